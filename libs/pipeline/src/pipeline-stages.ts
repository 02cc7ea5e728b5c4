import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError, DomainEvents } from '@app/common';
import { ConfigStore } from '@app/config';
import { ENGINES, isRetryable, type AudioInput, type Engines } from '@app/engines';
import {
  RESULT_PUBLISHER,
  chunkFailure,
  speakerResult,
  speakersEntry,
  transcriptEntry,
  transcriptionResult,
  translationEntry,
  translationResult,
  type ResultPublisher,
} from '@app/results';
import { SESSION_STORE, type SessionStore } from '@app/session';
import { SettingsService } from '@app/settings';
import { detectVoiceActivity } from './audio/voice-activity';
import { PipelineStage, type StageJobData } from './pipeline-names';
import type { FollowUp, LaneTurn, StageHandler } from './stage-execution';
import { StageFailure, type AttemptInfo } from './stage-failure';
import {
  stageKey,
  stageStatus,
  translationStageKey,
  type PipelineJobMeta,
  type PipelineJobRecord,
  type StageState,
  type TranscriptRecord,
  type TranslationRecord,
} from './state/pipeline-job-record';
import { FIELD, isFinalStageState, type PipelineState, type RecordFields } from './state/pipeline-state';
import { PIPELINE_METRICS, PIPELINE_STATE } from './pipeline.tokens';
import type { PipelineMetrics } from './pipeline-metrics';
import { chunkOrigin, resultTarget } from './job-origin';

/**
 * How long a chunk waits for the chunk before it in its session. It covers that chunk's retries with
 * backoff; after it the chunk goes ahead, because a predecessor lost without a trace must not stop the
 * session for good.
 */
export const ORDER_WAIT_LIMIT_MS = 120_000;

/**
 * What each stage does, independent of the driver that runs it: read the job record and audio, call the
 * engine, write the stage's own fields, publish the result, append it to the session history. The drivers
 * (in-process, BullMQ) only decide when a stage runs and how often it is retried.
 */
@Injectable()
export class PipelineStages {
  private readonly logger = new Logger('Pipeline');
  readonly handlers: Record<PipelineStage, StageHandler> = {
    [PipelineStage.Transcription]: (data, record) => this.transcribe(record),
    [PipelineStage.Translation]: (data, record) => this.translate(record, data.targetLanguage ?? ''),
    [PipelineStage.Diarization]: (data, record) => this.diarize(record),
  };

  constructor(
    @Inject(ENGINES) private readonly engines: Engines,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(RESULT_PUBLISHER) private readonly publisher: ResultPublisher,
    @Inject(PIPELINE_STATE) private readonly state: PipelineState,
    @Inject(PIPELINE_METRICS) private readonly metrics: PipelineMetrics,
    private readonly config: ConfigStore,
    private readonly settings: SettingsService,
    private readonly events: DomainEvents,
  ) {}

  /** Whether a transcription may start: every earlier chunk of its lane has finished, or waited too long. */
  async turn(stage: PipelineStage, data: StageJobData, now = Date.now()): Promise<LaneTurn> {
    if (stage !== PipelineStage.Transcription) return { ready: true };
    const record = await this.state.get(data.pipelineJobId);
    if (!record) return { ready: true };
    if (now - Date.parse(record.meta.createdAt) > ORDER_WAIT_LIMIT_MS) return { ready: true };
    const { lane, sequence } = record.meta;
    if ((await this.state.finishedThrough(lane)) >= sequence - 1) return { ready: true };
    return { ready: false, lane, sequence };
  }

  /**
   * Runs one attempt of a stage job. Resolves with the follow-up jobs; rejects with a StageFailure whose
   * `retry` tells the driver whether to schedule another attempt.
   */
  async execute(stage: PipelineStage, data: StageJobData, attempt: AttemptInfo): Promise<FollowUp[]> {
    const record = await this.state.get(data.pipelineJobId);
    if (!record)
      throw new StageFailure(`Pipeline job ${data.pipelineJobId} no longer exists (expired)`, false);
    const key = stageKey(stage, data);
    // A follow-up enqueued again after it finished (its transcription re-ran after a crash, and BullMQ keeps
    // only the last few finished jobs): its outcome is in the record already, and published.
    if (stage !== PipelineStage.Transcription && isFinalStageState(record.stages[key]?.state)) return [];
    const started = performance.now();
    await this.setStage(record.meta.id, key, 'active', attempt.attempt);
    try {
      const followUps = await this.handlers[stage](data, record);
      await this.setStage(record.meta.id, key, 'completed', attempt.attempt);
      this.count(stage, 'completed', started);
      return followUps;
    } catch (error) {
      const message = describe(error);
      const retry = !attempt.final && isRetryable(error);
      if (retry) {
        await this.setStage(record.meta.id, key, 'queued', attempt.attempt, message);
        this.count(stage, 'retried', started);
        this.logger.warn(
          `${key} of job ${record.meta.id} failed (attempt ${attempt.attempt}), retrying: ${message}`,
        );
      } else {
        // Counted first (on the same Redis connection, so it lands first): whoever sees the failure in the
        // record also finds it counted, as admission does (a stage's jobs fail while its service is down).
        this.count(stage, 'failed', started);
        await this.fail(record, stage, key, attempt.attempt, error, message);
      }
      throw new StageFailure(message, retry);
    }
  }

  /** The queue gave up on a job (its workers kept dying); record the failure as a final attempt would. */
  async abandon(stage: PipelineStage, data: StageJobData, reason: string): Promise<void> {
    const record = await this.state.get(data.pipelineJobId);
    if (!record) return;
    const key = stageKey(stage, data);
    const attempts = record.stages[key]?.attempts ?? 0;
    this.metrics.outcome(stage, 'failed');
    await this.state.countOutcome(stage, 'failed');
    await this.fail(record, stage, key, attempts, new Error(reason), reason);
  }

  private async transcribe(record: PipelineJobRecord): Promise<FollowUp[]> {
    const { meta } = record;
    // A retry after a crash that came after the transcript was written: do not call the engine again.
    if (record.transcript) return this.afterTranscript(meta, record.transcript);
    const audio = await this.audio(meta);
    const settings = await this.settings.get();
    const activity = detectVoiceActivity(
      audio.data,
      meta.format,
      this.config.current.pipeline.vadThresholdDb,
    );
    const dropAsSilence = settings.enable_vad && !activity.speechDetected;
    const result = dropAsSilence
      ? undefined
      : await this.engines.speechToText.transcribe(audio, {
          language: meta.language,
          sessionId: meta.sessionId,
          requestId: meta.requestId,
          // The platform's model names reach only the platform's own whisper service (stt/model-choice.ts).
          platformModel: settings.default_whisper_model || undefined,
        });
    const duration = activity.durationSeconds ?? result?.duration ?? 0;
    const transcript: TranscriptRecord = {
      text: result?.text ?? '',
      language: result?.language ?? meta.language ?? 'und',
      segments: result?.segments ?? [],
      confidence: result?.confidence ?? 0,
      backend: result?.backend ?? 'vad',
      audioLevelDb: activity.levelDb,
      speechDetected: activity.speechDetected && !(result?.noSpeech ?? false),
      offset: await this.state.advanceOffset(meta.lane, duration),
      ...(duration > 0 ? { duration } : {}),
      processingMs: result?.processingMs ?? 0,
    };
    await this.state.update(meta.id, { [FIELD.transcript]: transcript });
    this.publisher.publish(
      resultTarget(meta),
      'transcription_result',
      transcriptionResult(chunkOrigin(meta), transcript),
    );
    if (meta.sessionId && transcript.text) {
      await this.sessions.append(meta.sessionId, transcriptEntry(meta.chunkId, transcript, transcript));
    }
    return this.afterTranscript(meta, transcript);
  }

  /** Translations and diarization follow a transcript with words in it; otherwise they are skipped. */
  private async afterTranscript(meta: PipelineJobMeta, transcript: TranscriptRecord): Promise<FollowUp[]> {
    await this.state.markFinished(meta.lane, meta.sequence, meta.id);
    const hasSpeech = transcript.text !== '';
    const skipped: RecordFields = {};
    const followUps: FollowUp[] = [];
    for (const language of meta.targetLanguages) {
      if (hasSpeech)
        followUps.push({
          stage: PipelineStage.Translation,
          data: { pipelineJobId: meta.id, targetLanguage: language },
        });
      else
        skipped[FIELD.stagePrefix + translationStageKey(language)] = stageStatus('skipped', 0, 'no speech');
    }
    if (meta.diarize && hasSpeech)
      followUps.push({ stage: PipelineStage.Diarization, data: { pipelineJobId: meta.id } });
    else if (meta.diarize)
      skipped[FIELD.stagePrefix + PipelineStage.Diarization] = stageStatus('skipped', 0, 'no speech');
    if (Object.keys(skipped).length > 0) {
      await this.state.update(meta.id, skipped);
      if (!hasSpeech && meta.targetLanguages.length > 0)
        this.countSkipped(PipelineStage.Translation, meta.targetLanguages.length);
      if (!hasSpeech && meta.diarize) this.countSkipped(PipelineStage.Diarization, 1);
    }
    // Only diarization of a chunk with speech still reads the audio.
    if (!(meta.diarize && hasSpeech)) await this.state.deleteAudio(meta.id);
    return followUps;
  }

  private async translate(record: PipelineJobRecord, targetLanguage: string): Promise<FollowUp[]> {
    const { meta, transcript } = record;
    if (!transcript) throw new StageFailure('No transcript to translate', false);
    const translated: TranslationRecord =
      transcript.language === targetLanguage
        ? // Same language: nothing for an engine to do, and Apertium would refuse the pair.
          {
            text: transcript.text,
            translatedText: transcript.text,
            sourceLanguage: targetLanguage,
            targetLanguage,
            confidence: 1,
            backend: 'identity',
            processingMs: 0,
          }
        : await this.engines.translation.translate({
            text: transcript.text,
            sourceLanguage: transcript.language === 'und' ? 'auto' : transcript.language,
            targetLanguage,
            sessionId: meta.sessionId,
            requestId: meta.requestId,
          });
    await this.state.update(meta.id, { [FIELD.translationPrefix + targetLanguage]: translated });
    this.publisher.publish(
      resultTarget(meta),
      'translation_result',
      translationResult(chunkOrigin(meta), translated),
    );
    if (meta.sessionId) {
      await this.sessions.append(meta.sessionId, translationEntry(meta.chunkId, translated, transcript));
    }
    return [];
  }

  private async diarize(record: PipelineJobRecord): Promise<FollowUp[]> {
    const { meta } = record;
    const segments = await this.engines.speaker.diarize(await this.audio(meta), {
      requestId: meta.requestId,
    });
    await this.state.update(meta.id, { [FIELD.speakers]: segments });
    await this.state.deleteAudio(meta.id);
    this.publisher.publish(resultTarget(meta), 'speaker_result', speakerResult(chunkOrigin(meta), segments));
    if (meta.sessionId) {
      await this.sessions.append(
        meta.sessionId,
        speakersEntry(meta.chunkId, segments, { offset: record.transcript?.offset ?? 0 }),
      );
    }
    return [];
  }

  private async audio(meta: PipelineJobMeta): Promise<AudioInput> {
    const data = await this.state.audio(meta.id);
    if (!data) throw new StageFailure(`The audio of job ${meta.id} has expired`, false);
    return { data, format: meta.format, contentType: meta.contentType, sampleRate: meta.sampleRate };
  }

  /** A final failure: visible in the job, the activity log and to the client; later chunks go on. */
  private async fail(
    record: PipelineJobRecord,
    stage: PipelineStage,
    key: string,
    attempts: number,
    error: unknown,
    message: string,
  ): Promise<void> {
    const { meta } = record;
    const code = error instanceof ApiError ? error.code : 'PIPELINE_FAILED';
    // The code is stored so that a waiting acknowledgement can answer with the same error payload.
    const fields: RecordFields = {
      [FIELD.stagePrefix + key]: { ...stageStatus('failed', attempts, message), code },
    };
    if (stage === PipelineStage.Transcription) {
      for (const language of meta.targetLanguages) {
        fields[FIELD.stagePrefix + translationStageKey(language)] = stageStatus(
          'skipped',
          0,
          'transcription failed',
        );
      }
      if (meta.diarize)
        fields[FIELD.stagePrefix + PipelineStage.Diarization] = stageStatus(
          'skipped',
          0,
          'transcription failed',
        );
    }
    await this.state.update(meta.id, fields);
    // No stage reads the audio after a final transcription or diarization failure (translations read the
    // transcript); the record keeps the error for retention, the audio goes now, or an outage would hold
    // every failed chunk's audio for `retention_seconds`.
    if (stage !== PipelineStage.Translation) await this.state.deleteAudio(meta.id);
    this.publisher.publish(resultTarget(meta), 'error', chunkFailure(chunkOrigin(meta), key, code, message));
    // After the record shows the failure: the finish notice wakes acknowledgements that read it.
    if (stage === PipelineStage.Transcription)
      await this.state.markFinished(meta.lane, meta.sequence, meta.id);
    this.events.activity(
      'error',
      'pipeline',
      `${key} of chunk ${meta.chunkId} failed after ${attempts} attempt(s): ${message}`,
      {
        job_id: meta.id,
        session_id: meta.sessionId,
      },
    );
  }

  private async setStage(
    jobId: string,
    key: string,
    state: StageState,
    attempts: number,
    error?: string,
  ): Promise<void> {
    await this.state.update(jobId, { [FIELD.stagePrefix + key]: stageStatus(state, attempts, error) });
  }

  private countSkipped(stage: PipelineStage, jobs: number): void {
    for (let i = 0; i < jobs; i++) {
      this.metrics.outcome(stage, 'skipped');
      this.state
        .countOutcome(stage, 'skipped')
        .catch((error: Error) => this.logger.warn(`Outcome not counted: ${error.message}`));
    }
  }

  private count(stage: PipelineStage, outcome: 'completed' | 'failed' | 'retried', started: number): void {
    this.metrics.outcome(stage, outcome, (performance.now() - started) / 1000);
    this.state
      .countOutcome(stage, outcome)
      .catch((error: Error) => this.logger.warn(`Outcome not counted: ${error.message}`));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
