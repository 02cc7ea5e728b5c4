import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConfigStore } from '@app/config';
import { ENGINES, type AudioInput, type Engines } from '@app/engines';
import { PIPELINE, type PipelineService } from '@app/pipeline';
import { speakerResult, speakersEntry, translationEntry, translationResult } from '@app/results';
import { SESSION_STORE, type SessionStore } from '@app/session';
import { SettingsService } from '@app/settings';
import { decodeAudioChunk } from './audio-data';
import type { ClientContext, EventOutcome } from './client-context';
import {
  SpeakerStreamDto,
  TranscriptionStreamDto,
  TranslationStreamDto,
  type AudioChunkDto,
} from './dto/stream.dto';
import { KeyedSerialQueue } from './keyed-serial-queue';
import { isPlainObject, validatePayload } from './payload-validation';
import { RealtimeError } from './realtime-error';

const CONTENT_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  webm: 'audio/webm',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
};

/**
 * The three streams. Work of one session (or, outside a session, one connection) runs in arrival order
 * through a per-session lane; other sessions' lanes run independently, so a slow backend stalls only the
 * session whose chunk it is working on.
 */
@Injectable()
export class StreamHandlers {
  private readonly lanes: KeyedSerialQueue;

  constructor(
    private readonly config: ConfigStore,
    private readonly settings: SettingsService,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(PIPELINE) private readonly pipeline: PipelineService,
    @Inject(ENGINES) private readonly engines: Engines,
  ) {
    this.lanes = new KeyedSerialQueue(config.current.websocket.maxQueuedPerSession);
  }

  /**
   * The acknowledgement answers with the chunk's transcription_result payload (or its failure), like the
   * original service. Only the submission runs in the session's lane: the wait for the outcome happens
   * outside it, so it holds no lane slot and the session's next chunks are submitted meanwhile.
   */
  async transcription({ socket, connection }: ClientContext, payload: unknown): Promise<EventOutcome> {
    const { fields, audio } = this.audioChunk(TranscriptionStreamDto, payload);
    const sessionId = fields.session_id ?? connection.sessionId;
    const chunkId = fields.chunk_id ?? randomUUID();
    const targetLanguages = fields.target_languages ?? (await this.settings.get()).default_target_languages;
    const submitted = await this.lanes.run(laneKey(sessionId, connection.id), () =>
      this.pipeline.submit({
        chunkId,
        sessionId,
        connectionId: connection.id,
        audio: audio.data,
        format: audio.format,
        sampleRate: fields.sample_rate,
        language: fields.language === 'auto' ? undefined : fields.language,
        targetLanguages,
        diarize: false,
        requestId: chunkId,
      }),
    );
    // A client that went away has no acknowledgement to receive; stop reading the job for it.
    const gone = new AbortController();
    const abort = () => gone.abort();
    socket.once('disconnect', abort);
    try {
      const outcome = await this.pipeline.transcriptionOutcome(submitted.jobId, gone.signal);
      // Ack only: the pipeline itself publishes transcription_result or error to the session and sender.
      return { ack: outcome.ok ? outcome.payload : { ok: false, error: outcome.error } };
    } finally {
      socket.off('disconnect', abort);
    }
  }

  async speakerStream({ connection }: ClientContext, payload: unknown): Promise<EventOutcome> {
    const { fields, audio } = this.audioChunk(SpeakerStreamDto, payload);
    const engine = this.engines.speaker;
    const sessionId = fields.session_id ?? connection.sessionId;
    const chunkId = fields.chunk_id ?? randomUUID();
    const segments = await this.lanes.run(laneKey(sessionId, connection.id), async () => {
      const found = await engine.diarize(audio, {
        minSpeakers: fields.min_speakers,
        maxSpeakers: fields.max_speakers,
        requestId: chunkId,
      });
      if (sessionId) await this.sessions.append(sessionId, speakersEntry(chunkId, found, { offset: 0 }));
      return found;
    });
    const result = speakerResult({ chunkId, sessionId }, segments);
    return {
      publish: {
        target: { sessionId, connectionId: connection.id },
        event: 'speaker_result',
        payload: result,
      },
      ack: result,
    };
  }

  async translationStream({ connection }: ClientContext, payload: unknown): Promise<EventOutcome> {
    const request = validatePayload(TranslationStreamDto, payload);
    const engine = this.engines.translation;
    const sessionId = request.session_id ?? connection.sessionId;
    const requestId = request.request_id ?? randomUUID();
    const translated = await this.lanes.run(laneKey(sessionId, connection.id), async () => {
      const result = await engine.translate({
        text: request.text,
        sourceLanguage: request.source_lang ?? 'auto',
        targetLanguage: request.target_lang,
        sessionId,
        requestId,
      });
      if (sessionId)
        await this.sessions.append(sessionId, translationEntry(requestId, result, { offset: 0 }));
      return result;
    });
    const wire = translationResult({ chunkId: requestId, sessionId }, translated);
    return {
      publish: {
        target: { sessionId, connectionId: connection.id },
        event: 'translation_result',
        payload: wire,
      },
      ack: wire,
    };
  }

  private audioChunk<T extends AudioChunkDto>(
    dto: new () => T,
    payload: unknown,
  ): { fields: T; audio: AudioInput } {
    if (!isPlainObject(payload))
      throw new RealtimeError('INVALID_PAYLOAD', 'The payload must be a JSON object');
    const { audio_data: audioData, ...rest } = payload;
    const fields = validatePayload(dto, rest);
    if (audioData === undefined) {
      throw new RealtimeError('INVALID_PAYLOAD', 'Invalid payload: audio_data is required', {
        fields: [{ field: 'audio_data', message: 'is required' }],
      });
    }
    // Read per event, so a reloaded configuration applies to the next chunk.
    const { maxChunkBytes, maxChunkSeconds } = this.config.current.websocket;
    const data = decodeAudioChunk(audioData, { maxBytes: maxChunkBytes, maxSeconds: maxChunkSeconds });
    return {
      fields,
      audio: {
        data,
        format: fields.format,
        contentType: CONTENT_TYPES[fields.format] ?? 'application/octet-stream',
      },
    };
  }
}

function laneKey(sessionId: string | undefined, connectionId: string): string {
  return sessionId ? `session:${sessionId}` : `connection:${connectionId}`;
}
