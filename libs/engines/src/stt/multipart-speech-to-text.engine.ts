import type { BackendServiceConfig } from '@app/config';
import type { BackendClient } from '@app/gateway';
import { encodeForm, streamForm, type AudioForm } from '../audio-form';
import { engineFailure, jsonBody, malformedAnswer } from '../engine-error';
import type {
  AudioInput,
  SpeechToTextEngine,
  TranscriptionOptions,
  TranscriptionResult,
} from '../engine.types';
import { normaliseTranscript, type RawTranscript } from './transcript-normaliser';

/** How one engine wants the upload: path, form, headers. */
export interface TranscriptionCall {
  path: string;
  form: AudioForm;
  headers?: Record<string, string>;
}

/**
 * The shared half of every speech-to-text adapter: send the multipart upload through the gateway, turn a
 * non-2xx answer into an EngineError, and normalise the engine's own answer. Subclasses only say how the
 * upload looks and how to read the answer.
 */
export abstract class MultipartSpeechToTextEngine implements SpeechToTextEngine {
  abstract readonly kind: string;
  /**
   * Whether the kind's servers take a request body as it arrives (chunked, no length given first): then an
   * upload still arriving streams through to them (AudioInput.upload); otherwise it is sent once whole.
   */
  abstract readonly streamsUpload: boolean;

  constructor(
    protected readonly client: BackendClient,
    /** Read at each call, so a changed model or API key applies without re-selecting the adapter. */
    protected readonly settings: () => BackendServiceConfig,
  ) {}

  protected abstract describeCall(audio: AudioInput, options: TranscriptionOptions): TranscriptionCall;
  /** Undefined when the body lacks what the engine's contract promises (at least the text). */
  protected abstract readAnswer(body: unknown): RawTranscript | undefined;
  abstract models(instanceId: string): Promise<{ models: string[]; defaultModel?: string }>;

  async transcribe(audio: AudioInput, options: TranscriptionOptions): Promise<TranscriptionResult> {
    const upload = audio.upload;
    try {
      return await this.send(
        upload && !this.streamsUpload ? { ...audio, data: await upload.whole() } : audio,
        options,
      );
    } catch (error) {
      // A failed upload (too large, too long, cut off) is the client's fault, not the engine's: it is not
      // retried elsewhere and is answered as such.
      throw upload?.failure ?? error;
    }
  }

  private async send(audio: AudioInput, options: TranscriptionOptions): Promise<TranscriptionResult> {
    const call = this.describeCall(audio, options);
    const started = performance.now();
    const form =
      audio.upload && this.streamsUpload ? streamForm(call.form, audio.upload) : await encodeForm(call.form);
    const response = await this.client.request('whisper', {
      method: 'POST',
      path: call.path,
      body: form.body,
      headers: { ...call.headers, 'content-type': form.contentType },
      // Transcribing the same audio twice has no side effect, so the gateway may retry a lost call.
      idempotent: true,
      signal: options.signal,
      requestId: options.requestId,
      instanceId: options.instanceId,
    });
    if (!response.ok) throw engineFailure(this.kind, response);
    const raw = this.readAnswer(jsonBody<unknown>(this.kind, response));
    if (!raw) throw malformedAnswer(this.kind, response, 'a transcript text');
    return normaliseTranscript(raw, {
      backend: `${this.kind}@${response.instanceId}`,
      requestedLanguage: options.language,
      processingMs: performance.now() - started,
    });
  }
}
