import type { TranscriptionResultPayload, WireError } from '@app/results';

/** What the real-time gateway and the REST controller hand the pipeline, and how its outcome comes back. */

export interface AudioChunkSubmission {
  /** Idempotency: a re-sent chunk with the same session and chunk id is not processed twice. */
  chunkId: string;
  sessionId?: string;
  /** The Socket.IO connection that sent it; results also go to it when it is in no session. */
  connectionId?: string;
  audio: Buffer;
  format: string;
  sampleRate?: number;
  language?: string;
  targetLanguages: string[];
  diarize: boolean;
  requestId?: string;
}

export type JobState = 'queued' | 'active' | 'completed' | 'failed';

export interface PipelineSubmitResult {
  jobId: string;
  /** False when this chunk id was already submitted; the existing job id is returned. */
  created: boolean;
}

/**
 * How a job's transcription ended, as the client sees it: the `transcription_result` payload the pipeline
 * published, or the `error` payload it published (or a TIMEOUT the pipeline never published).
 */
export type TranscriptionOutcome =
  { ok: true; payload: TranscriptionResultPayload } | { ok: false; error: WireError };

export interface PipelineService {
  submit(chunk: AudioChunkSubmission): Promise<PipelineSubmitResult>;
  /**
   * Waits until the job's transcription stage has a result or has finally failed, reading the shared job
   * state, so it works whichever process runs the stage. Bounded by a deadline derived from the config;
   * an aborted signal ends the wait early with a CANCELLED error.
   */
  transcriptionOutcome(jobId: string, signal?: AbortSignal): Promise<TranscriptionOutcome>;
}

export const PIPELINE = Symbol('PIPELINE');
