import { RealtimeError, isPlainObject } from '@app/realtime';
import { pcm16FromBytes } from './pcm';

/** Frames shorter than this are mostly packet overhead; longer ones delay segmentation (CONTRACTS §3a). */
export const MIN_FRAME_MS = 10;
export const MAX_FRAME_MS = 1000;

export interface StreamFrame {
  streamId: string;
  offsetMs: number;
  samples: Int16Array;
}

function invalid(field: string, message: string, streamId?: string): RealtimeError {
  return new RealtimeError(field === 'audio' ? 'INVALID_AUDIO' : 'INVALID_PAYLOAD', `${field} ${message}`, {
    fields: [{ field, message }],
    ...(streamId ? { stream_id: streamId } : {}),
  });
}

function binary(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}

/**
 * Reads a stream_audio payload: `stream_id`, `offset_ms` (ms from the stream's first sample, ≥ 0) and
 * `audio`, binary 16-bit PCM of 10–1000 ms at the stream's rate. Base64 text is refused: a live stream
 * sends many small frames, where a third more bytes and a decode per frame are not worth it.
 */
export function readStreamFrame(payload: unknown, sampleRateOf: (streamId: string) => number): StreamFrame {
  if (!isPlainObject(payload))
    throw new RealtimeError('INVALID_PAYLOAD', 'The payload must be a JSON object');
  const { stream_id: streamId, offset_ms: offsetMs, audio } = payload;
  if (typeof streamId !== 'string' || streamId === '') throw invalid('stream_id', 'is required');
  const sampleRate = sampleRateOf(streamId);
  if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs) || offsetMs < 0) {
    throw invalid('offset_ms', 'must be a number of milliseconds, 0 or more', streamId);
  }
  const bytes = binary(audio);
  if (!bytes) throw invalid('audio', 'must be binary 16-bit PCM (pcm_s16le)', streamId);
  if (bytes.length % 2 !== 0) {
    throw invalid('audio', `must hold whole 16-bit samples (got ${bytes.length} bytes)`, streamId);
  }
  const ms = ((bytes.length / 2) * 1000) / sampleRate;
  if (ms < MIN_FRAME_MS || ms > MAX_FRAME_MS) {
    throw invalid(
      'audio',
      `must hold ${MIN_FRAME_MS}–${MAX_FRAME_MS} ms of audio (got ${ms.toFixed(1)} ms at ${sampleRate} Hz)`,
      streamId,
    );
  }
  return { streamId, offsetMs, samples: pcm16FromBytes(bytes) };
}
