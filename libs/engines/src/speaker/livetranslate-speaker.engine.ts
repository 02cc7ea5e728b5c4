import type { BackendServiceConfig } from '@app/config';
import type { BackendClient } from '@app/gateway';
import { audioForm, encodeForm } from '../audio-form';
import { callEngine } from '../engine-call';
import { malformedAnswer } from '../engine-error';
import type { AudioInput, DiarizationOptions, SpeakerEngine, SpeakerSegment } from '../engine.types';

interface DiarizeAnswer {
  speakers?: unknown;
}

function isSpeakerTurn(value: unknown): value is { speaker_id: string | number; start: number; end: number } {
  const turn = value as { speaker_id?: unknown; start?: unknown; end?: unknown } | null;
  return (
    typeof turn === 'object' &&
    turn !== null &&
    (typeof turn.speaker_id === 'string' || typeof turn.speaker_id === 'number') &&
    typeof turn.start === 'number' &&
    typeof turn.end === 'number'
  );
}

/**
 * The platform's speaker service (CONTRACTS §5, documented without a reference implementation):
 * `POST /diarize` multipart `file`, `min_speakers`, `max_speakers` → `{ speakers: [{ speaker_id, start, end }] }`.
 * Speaker ids may be numbers; they are passed on as strings.
 */
export class LivetranslateSpeakerEngine implements SpeakerEngine {
  readonly kind = 'livetranslate';

  constructor(
    private readonly client: BackendClient,
    _settings: () => BackendServiceConfig,
  ) {}

  async diarize(audio: AudioInput, options: DiarizationOptions): Promise<SpeakerSegment[]> {
    const form = await encodeForm(
      audioForm(audio, 'file', { min_speakers: options.minSpeakers, max_speakers: options.maxSpeakers }),
    );
    const { body, response } = await callEngine<DiarizeAnswer>(this.client, 'speaker', this.kind, {
      method: 'POST',
      path: '/diarize',
      body: form.body,
      headers: { 'content-type': form.contentType },
      idempotent: true,
      signal: options.signal,
      requestId: options.requestId,
      instanceId: options.instanceId,
    });
    if (!Array.isArray(body.speakers)) throw malformedAnswer(this.kind, response, 'speakers');
    return body.speakers
      .filter(isSpeakerTurn)
      .map((turn) => ({ speaker: String(turn.speaker_id), start: turn.start, end: turn.end }));
  }
}
