import { ENGINE_KINDS } from '@app/config';
import { audioForm } from '../audio-form';
import { askInstance } from '../engine-call';
import type { AudioInput, TranscriptionOptions } from '../engine.types';
import { MultipartSpeechToTextEngine, type TranscriptionCall } from './multipart-speech-to-text.engine';
import { modelFor } from './model-choice';
import { explicitLanguage, type RawTranscript } from './transcript-normaliser';
import { readVerboseTranscript } from './whisper-answer';

/** The platform's whisper service answers silence or noise with this sentence instead of an empty text. */
export const LIVETRANSLATE_NO_SPEECH_TEXT = '[Audio unclear - please try again]';

/**
 * The platform's own whisper service (CONTRACTS §5): `POST /transcribe[/{model}]` with the file in field
 * `audio`. Its `confidence` is a constant 0.9, so segment scores win when it sends any.
 */
export class LivetranslateSpeechToTextEngine extends MultipartSpeechToTextEngine {
  readonly kind = 'livetranslate';
  // The platform's Flask service runs on Werkzeug, whose server does not read chunked request bodies
  // (it needs a Content-Length): the upload is sent once it is whole.
  readonly streamsUpload = false;

  protected describeCall(audio: AudioInput, options: TranscriptionOptions): TranscriptionCall {
    const model = modelFor(this.kind, this.settings(), options);
    return {
      // The model is a path segment on this service, not a form field.
      path: model ? `/transcribe/${encodeURIComponent(model)}` : '/transcribe',
      form: audioForm(audio, 'audio', {
        language: explicitLanguage(options.language),
        session_id: options.sessionId,
      }),
    };
  }

  protected readAnswer(body: unknown): RawTranscript | undefined {
    const raw = readVerboseTranscript(body);
    if (!raw) return undefined;
    return raw.text.trim() === LIVETRANSLATE_NO_SPEECH_TEXT ? { ...raw, noSpeech: true } : raw;
  }

  async models(instanceId: string): Promise<{ models: string[]; defaultModel?: string }> {
    const { body } = await askInstance<{ available_models?: unknown; default_model?: unknown }>(
      this.client,
      'whisper',
      this.kind,
      instanceId,
      ENGINE_KINDS.whisper.livetranslate.discovery.models,
    );
    const models = Array.isArray(body.available_models) ? body.available_models.map(String) : [];
    return typeof body.default_model === 'string' ? { models, defaultModel: body.default_model } : { models };
  }
}
