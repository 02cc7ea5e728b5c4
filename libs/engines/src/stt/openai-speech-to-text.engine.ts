import { ENGINE_KINDS } from '@app/config';
import { engineCredential } from '@app/gateway';
import { audioForm } from '../audio-form';
import { askInstance } from '../engine-call';
import type { AudioInput, TranscriptionOptions } from '../engine.types';
import { MultipartSpeechToTextEngine, type TranscriptionCall } from './multipart-speech-to-text.engine';
import { modelFor } from './model-choice';
import { explicitLanguage, type RawTranscript } from './transcript-normaliser';
import { readVerboseTranscript } from './whisper-answer';

/**
 * OpenAI-compatible servers (faster-whisper servers such as speaches, LocalAI, vLLM):
 * `POST /v1/audio/transcriptions` with `file`, `model`, `language`, `response_format=verbose_json`.
 * verbose_json is asked for because only it carries the segment scores the confidence is derived from.
 */
export class OpenAiSpeechToTextEngine extends MultipartSpeechToTextEngine {
  readonly kind = 'openai';
  // uvicorn (speaches, vLLM) and Go's net/http (LocalAI) read chunked bodies.
  readonly streamsUpload = true;

  protected describeCall(audio: AudioInput, options: TranscriptionOptions): TranscriptionCall {
    const settings = this.settings();
    const form = audioForm(audio, 'file', {
      model: modelFor(this.kind, settings, options),
      language: explicitLanguage(options.language),
      prompt: options.prompt,
      temperature: options.temperature,
      response_format: 'verbose_json',
    });
    if (options.wordTimestamps) {
      // Both granularities (word timestamps need verbose_json, asked for anyway): asking for words alone
      // drops the segments the confidence is derived from.
      form.fields.push(['timestamp_granularities[]', 'segment'], ['timestamp_granularities[]', 'word']);
    }
    return {
      path: '/v1/audio/transcriptions',
      form,
      headers: engineCredential('whisper', this.kind, settings.apiKey).headers,
    };
  }

  protected readAnswer(body: unknown): RawTranscript | undefined {
    return readVerboseTranscript(body);
  }

  async models(instanceId: string): Promise<{ models: string[]; defaultModel?: string }> {
    const { body } = await askInstance<{ data?: unknown }>(
      this.client,
      'whisper',
      this.kind,
      instanceId,
      ENGINE_KINDS.whisper.openai.discovery.models,
      engineCredential('whisper', this.kind, this.settings().apiKey).headers,
    );
    const models = Array.isArray(body.data)
      ? body.data
          .map((entry) => (entry as { id?: unknown }).id)
          .filter((id): id is string => typeof id === 'string')
      : [];
    const asked = modelFor(this.kind, this.settings(), { instanceId });
    return asked ? { models, defaultModel: asked } : { models };
  }
}
