import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ApiError } from '@app/common';
import { ConfigStore } from '@app/config';
import { detectAudio } from './audio/audio-format';
import type { PipelineDriver } from './drivers/pipeline-driver';
import { jobView } from './job-view';
import { PIPELINE_STAGES, PipelineStage } from './pipeline-names';
import { PIPELINE_DRIVER, PIPELINE_RUNS_WORKERS } from './pipeline.tokens';
import type { AudioChunkSubmission, PipelineService, PipelineSubmitResult } from './pipeline.types';
import { translationStageKey, type StageStatus } from './state/pipeline-job-record';
import { FIELD, type RecordFields } from './state/pipeline-state';

const MAX_TARGET_LANGUAGES = 20;

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
  constructor(
    @Inject(PIPELINE_DRIVER) private readonly driver: PipelineDriver,
    @Inject(PIPELINE_RUNS_WORKERS) private readonly runsWorkers: boolean,
    private readonly config: ConfigStore,
  ) {}

  async submit(chunk: AudioChunkSubmission): Promise<PipelineSubmitResult> {
    if (chunk.audio.length > this.config.current.pipeline.maxAudioBytes) {
      throw new ApiError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'AUDIO_TOO_LARGE',
        `The audio exceeds ${this.config.current.pipeline.maxAudioBytes} bytes`,
      );
    }
    const detected = detectAudio(chunk.audio);
    const targetLanguages = [...new Set(chunk.targetLanguages.map((l) => l.trim()).filter(Boolean))];
    if (targetLanguages.length > MAX_TARGET_LANGUAGES) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        'TOO_MANY_LANGUAGES',
        `At most ${MAX_TARGET_LANGUAGES} target languages`,
      );
    }
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
    const [depths, outcomes] = await Promise.all([this.driver.depths(), this.driver.state.outcomes()]);
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
    };
  }
}
