import { audioForm } from '../audio-form';
import type { AudioInput, TranscriptionOptions } from '../engine.types';
import { MultipartSpeechToTextEngine, type TranscriptionCall } from './multipart-speech-to-text.engine';
import { explicitLanguage, type RawTranscript } from './transcript-normaliser';
import { readVerboseTranscript } from './whisper-answer';

/**
 * whisper.cpp's HTTP server: `POST /inference` with `file`, `response_format=verbose_json` and `language`
 * (`auto` for detection). It has no `model` field (the model is chosen when the server starts) and no auth,
 * reports the language as a full English name (`english`, mapped back to `en` by the normaliser), and
 * serves one request at a time, which is why its bulkhead defaults to one concurrent call per instance.
 * It expects 16 kHz WAV unless started with `--convert`; the upload is passed as sent.
 */
export class WhisperCppSpeechToTextEngine extends MultipartSpeechToTextEngine {
  readonly kind = 'whisper-cpp';
  // cpp-httplib reads chunked request bodies (it parses the form once the body is in).
  readonly streamsUpload = true;

  protected describeCall(audio: AudioInput, options: TranscriptionOptions): TranscriptionCall {
    return {
      path: '/inference',
      form: audioForm(audio, 'file', {
        response_format: 'verbose_json',
        language: explicitLanguage(options.language) ?? 'auto',
        prompt: options.prompt,
        temperature: options.temperature,
      }),
    };
  }

  protected readAnswer(body: unknown): RawTranscript | undefined {
    return readVerboseTranscript(body);
  }

  /** The server hosts the one model it was started with and has no endpoint naming it. */
  async models(_instanceId: string): Promise<{ models: string[]; defaultModel?: string }> {
    return { models: [] };
  }
}
