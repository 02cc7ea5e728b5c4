import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ApiError, MAX_TARGET_LANGUAGES } from '@app/common';
import { ConfigStore } from '@app/config';
import { chunkFailure, transcriptionResult } from '@app/results';
import { ADMISSION, type AdmissionControl } from './admission/admission.types';
import type { HeldBytesBudget } from './admission/held-bytes-budget';
import { detectAudio } from './audio/audio-format';
import { audioTooLong } from './audio/wav-header';
import { backoffDelay, type PipelineDriver } from './drivers/pipeline-driver';
import { jobView } from './job-view';
import { PIPELINE_STAGES, PipelineStage, STAGE_SERVICE } from './pipeline-names';
import { ORDER_WAIT_LIMIT_MS } from './pipeline-stages';
import type { PipelineMetrics } from './pipeline-metrics';
import { PIPELINE_BUDGET, PIPELINE_DRIVER, PIPELINE_METRICS, PIPELINE_RUNS_WORKERS } from './pipeline.tokens';
import type {
  AudioChunkSubmission,
  PipelineService,
  PipelineSubmitResult,
  TranscriptionOutcome,
} from './pipeline.types';
import { translationStageKey, type PipelineJobRecord, type StageStatus } from './state/pipeline-job-record';
import { FIELD, type RecordFields } from './state/pipeline-state';
import { FinishNotices } from './finish-notices';
import { chunkOrigin } from './job-origin';

/**
 * The job id is derived from who sent the chunk and its chunk id, so a re-sent chunk maps to the same job
 * and is recognised rather than processed twice. Hashed: ids stay short and safe as BullMQ job ids.
 */
export function pipelineJobId(
  chunk: Pick<AudioChunkSubmission, 'sessionId' | 'connectionId' | 'chunkId'>,
): string {
  const origin = chunk.sessionId
    ? `s:${chunk.sessionId}`
    : chunk.connectionId
      ? `c:${chunk.connectionId}`
      : '-';
  return `pj_${createHash('sha256').update(`${origin}\n${chunk.chunkId}`).digest('hex').slice(0, 32)}`;
}

function queued(): StageStatus {
  return { state: 'queued', attempts: 0, updatedAt: new Date().toISOString() };
}

/** PIPELINE: accepts chunks from the REST controller and the real-time gateway. */
@Injectable()
export class PipelineJobs implements PipelineService {
  private readonly finishNotices: FinishNotices;

  constructor(
    @Inject(PIPELINE_DRIVER) private readonly driver: PipelineDriver,
    @Inject(PIPELINE_RUNS_WORKERS) private readonly runsWorkers: boolean,
    @Inject(ADMISSION) private readonly admission: AdmissionControl,
    @Inject(PIPELINE_BUDGET) private readonly budget: HeldBytesBudget,
    @Inject(PIPELINE_METRICS) private readonly metrics: PipelineMetrics,
    private readonly config: ConfigStore,
  ) {
    this.finishNotices = new FinishNotices(driver.state);
  }

  async submit(chunk: AudioChunkSubmission): Promise<PipelineSubmitResult> {
    this.checkAudioLimits(chunk.audio);
    const detected = detectAudio(chunk.audio);
    const targetLanguages = [...new Set(chunk.targetLanguages.map((l) => l.trim()).filter(Boolean))];
    if (targetLanguages.length > MAX_TARGET_LANGUAGES) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        'TOO_MANY_LANGUAGES',
        `At most ${MAX_TARGET_LANGUAGES} target languages`,
      );
    }
    const stages = [
      PipelineStage.Transcription,
      ...(targetLanguages.length > 0 ? [PipelineStage.Translation] : []),
      ...(chunk.diarize ? [PipelineStage.Diarization] : []),
    ];
    await this.admission.admit({
      services: stages.map((stage) => STAGE_SERVICE[stage]),
      heldBytes: chunk.audio.length,
    });
    const jobId = pipelineJobId(chunk);
    const lane = chunk.sessionId
      ? `s:${chunk.sessionId}`
      : chunk.connectionId
        ? `c:${chunk.connectionId}`
        : `j:${jobId}`;
    const initial: RecordFields = { [FIELD.stagePrefix + PipelineStage.Transcription]: queued() };
    for (const language of targetLanguages)
      initial[FIELD.stagePrefix + translationStageKey(language)] = queued();
    if (chunk.diarize) initial[FIELD.stagePrefix + PipelineStage.Diarization] = queued();
    const created = await this.driver.state.create(
      {
        id: jobId,
        chunkId: chunk.chunkId,
        ...(chunk.sessionId ? { sessionId: chunk.sessionId } : {}),
        ...(chunk.connectionId ? { connectionId: chunk.connectionId } : {}),
        lane,
        format: detected.format,
        contentType: detected.contentType,
        ...(chunk.sampleRate ? { sampleRate: chunk.sampleRate } : {}),
        ...(chunk.language && chunk.language !== 'auto' ? { language: chunk.language } : {}),
        targetLanguages,
        diarize: chunk.diarize,
        ...(chunk.requestId ? { requestId: chunk.requestId } : {}),
        createdAt: new Date().toISOString(),
      },
      chunk.audio,
      initial,
    );
    if (!created) return { jobId, created: false };
    await this.driver.enqueue(PipelineStage.Transcription, { pipelineJobId: jobId }, { jobId, lane });
    return { jobId, created: true };
  }

  /**
   * The pipeline's audio limits (pipeline.max_audio_bytes, and for WAV pipeline.max_audio_seconds from the
   * header), checked here for every submission, whichever route it came by.
   */
  private checkAudioLimits(audio: Buffer): void {
    const { maxAudioBytes, maxAudioSeconds } = this.config.current.pipeline;
    if (audio.length > maxAudioBytes) {
      throw new ApiError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'AUDIO_TOO_LARGE',
        `The audio exceeds ${maxAudioBytes} bytes`,
      );
    }
    const tooLong = audioTooLong(audio, maxAudioSeconds);
    if (tooLong) {
      throw new ApiError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'AUDIO_TOO_LONG',
        `${tooLong.message} (pipeline.max_audio_seconds)`,
        { duration_seconds: tooLong.durationSeconds, limit_seconds: tooLong.limitSeconds },
      );
    }
  }

  /**
   * Reads the job once, then again only when the pipeline says its transcription finished (the stage's
   * finish notice, from this process or through Redis from a worker) or at the deadline.
   */
  async transcriptionOutcome(jobId: string, signal?: AbortSignal): Promise<TranscriptionOutcome> {
    const deadline = Date.now() + this.transcriptionBudgetMs();
    for (;;) {
      const notice = this.finishNotices.arm(jobId);
      try {
        const record = await this.driver.state.get(jobId);
        if (!record) return notFound(jobId);
        const outcome = settledOutcome(record);
        if (outcome) return outcome;
        const woken = await untilNotice(notice.next, deadline - Date.now(), signal);
        if (woken === 'deadline') {
          return {
            ok: false,
            error: chunkFailure(
              chunkOrigin(record.meta),
              PipelineStage.Transcription,
              'TIMEOUT',
              `The transcription of chunk ${record.meta.chunkId} did not finish in time`,
            ),
          };
        }
        if (woken === 'cancelled') {
          return {
            ok: false,
            error: {
              code: 'CANCELLED',
              message: 'Stopped waiting for the transcription',
              event: 'transcription_stream',
              job_id: jobId,
            },
          };
        }
      } finally {
        notice.cancel();
      }
    }
  }

  /**
   * The longest a transcription can legitimately take: the wait for its predecessor in the session, then
   * every pipeline attempt, each a gateway call with its own retries, with the backoff between them.
   */
  private transcriptionBudgetMs(): number {
    const { gateway, pipeline } = this.config.current;
    const perCall =
      gateway.timeout * 1000 * (gateway.retries + 1) + gateway.retryMaxDelayMs * gateway.retries;
    let backoff = 0;
    for (let attempt = 1; attempt < pipeline.attempts; attempt++) {
      backoff += backoffDelay(pipeline.backoffMs, attempt);
    }
    return ORDER_WAIT_LIMIT_MS + pipeline.attempts * perCall + backoff;
  }

  async view(jobId: string): Promise<Record<string, unknown>> {
    const record = await this.driver.state.get(jobId);
    if (!record)
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        'JOB_NOT_FOUND',
        `No pipeline job ${jobId} (unknown or expired)`,
      );
    return jobView(record);
  }

  /** GET /api/pipeline/stats: queue depths now, completions over the last minute, outcomes since start. */
  async stats(): Promise<Record<string, unknown>> {
    const [depths, outcomes, held, admission] = await Promise.all([
      this.driver.depths(),
      this.driver.state.outcomes(),
      this.budget.reading(),
      this.metrics.admissionCounts(),
    ]);
    const queues: Record<string, Record<string, number>> = {};
    for (const stage of PIPELINE_STAGES) queues[stage] = {};
    for (const depth of depths) (queues[depth.stage] ??= {})[depth.state] = depth.count;
    const failures = Object.fromEntries(
      Object.entries(outcomes.totals).map(([stage, counts]) => [stage, counts.failed]),
    );
    return {
      driver: this.driver.kind,
      workers_in_process: this.runsWorkers,
      queues,
      throughput: {
        chunks_completed_last_minute: outcomes.completedLastMinute,
        chunks_per_second: Math.round((outcomes.completedLastMinute / 60) * 100) / 100,
      },
      failures,
      outcomes: outcomes.totals,
      memory: {
        held_bytes: held.heldBytes,
        max_held_bytes: held.limitBytes,
        jobs_refused: admission.refused,
        records_evicted: admission.evicted,
      },
    };
  }
}

function notFound(jobId: string): TranscriptionOutcome {
  return {
    ok: false,
    error: {
      code: 'JOB_NOT_FOUND',
      event: 'transcription_stream',
      message: `No pipeline job ${jobId} (unknown or expired)`,
      job_id: jobId,
    },
  };
}

/** The outcome the record shows, if the transcription is over: the transcript, or the stored failure. */
function settledOutcome(record: PipelineJobRecord): TranscriptionOutcome | undefined {
  // The transcript is written just before transcription_result is published, and never afterwards.
  if (record.transcript) {
    return { ok: true, payload: transcriptionResult(chunkOrigin(record.meta), record.transcript) };
  }
  const stage = record.stages[PipelineStage.Transcription];
  if (stage?.state !== 'failed') return undefined;
  return {
    ok: false,
    error: chunkFailure(
      chunkOrigin(record.meta),
      PipelineStage.Transcription,
      stage.code ?? 'PIPELINE_FAILED',
      stage.error ?? 'The transcription failed',
    ),
  };
}

/** Waits for the notice, at most `ms`, and no longer than the signal allows. */
async function untilNotice(
  notice: Promise<void>,
  ms: number,
  signal?: AbortSignal,
): Promise<'notice' | 'deadline' | 'cancelled'> {
  if (signal?.aborted) return 'cancelled';
  if (ms <= 0) return 'deadline';
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      notice.then(() => 'notice' as const),
      new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), ms))),
      new Promise<'cancelled'>((resolve) => {
        onAbort = () => resolve('cancelled');
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
