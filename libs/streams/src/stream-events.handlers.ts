import { Injectable, OnModuleInit } from '@nestjs/common';
import { SettingsService } from '@app/settings';
import {
  RealtimeError,
  RealtimeGateway,
  isPlainObject,
  validatePayload,
  type ClientContext,
  type ClientEventHandler,
  type EventOutcome,
} from '@app/realtime';
import { readStreamFrame } from './audio/stream-frame';
import { LiveStreams } from './live-streams.service';
import { StreamStartDto, StreamStopDto } from './stream-start.dto';

/** stream_start / stream_audio / stream_stop (CONTRACTS §3a), registered with the Socket.IO gateway. */
@Injectable()
export class StreamEventHandlers implements OnModuleInit {
  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly streams: LiveStreams,
    private readonly settings: SettingsService,
  ) {}

  onModuleInit(): void {
    this.gateway.handle(
      'stream_start',
      namingStream((context, payload) => this.start(context, payload)),
    );
    this.gateway.handle(
      'stream_audio',
      namingStream(async (context, payload) => this.audio(context, payload)),
    );
    this.gateway.handle(
      'stream_stop',
      namingStream((context, payload) => this.stop(context, payload)),
    );
  }

  private async start({ connection }: ClientContext, payload: unknown): Promise<EventOutcome> {
    const request = validatePayload(StreamStartDto, payload);
    const sessionId = request.session_id ?? connection.sessionId;
    const { stream, resumeFromMs, replay } = await this.streams.start(connection.id, {
      streamId: request.stream_id,
      resume: request.resume,
      lastUtteranceId: request.last_utterance_id,
      sessionId,
      sampleRate: request.sample_rate,
      language: request.language === 'auto' ? undefined : request.language,
      targetLanguages: request.target_languages ?? (await this.settings.get()).default_target_languages,
      interimResults: request.interim_results ?? true,
    });
    const started = { stream_id: stream.id, session_id: sessionId ?? null, resume_from_ms: resumeFromMs };
    this.gateway.emitToRooms([connection.id], 'stream_started', started);
    this.streams.replay(stream, replay);
    return { ack: { ok: true, ...started } };
  }

  private audio({ connection }: ClientContext, payload: unknown): EventOutcome {
    const frame = readStreamFrame(
      payload,
      (streamId) => this.streams.owned(streamId, connection.id).settings.sampleRate,
    );
    const stream = this.streams.owned(frame.streamId, connection.id);
    stream.audio(frame.offsetMs, frame.samples);
    return { ack: { ok: true, stream_id: stream.id, received_ms: Math.round(stream.receivedMs) } };
  }

  private async stop({ connection }: ClientContext, payload: unknown): Promise<EventOutcome> {
    const request = validatePayload(StreamStopDto, payload);
    const stream = this.streams.owned(request.stream_id, connection.id);
    const summary = await this.streams.stop(stream);
    return { ack: { ok: true, stream_id: stream.id, ...summary } };
  }
}

/** Every live-stream error names the stream it concerns (CONTRACTS §3a `error` { ..., stream_id }). */
function namingStream(handler: ClientEventHandler): ClientEventHandler {
  return async (context, payload) => {
    try {
      return await handler(context, payload);
    } catch (error) {
      const streamId = isPlainObject(payload) ? payload.stream_id : undefined;
      if (error instanceof RealtimeError && typeof streamId === 'string' && !('stream_id' in error.details)) {
        throw new RealtimeError(error.code, error.message, { ...error.details, stream_id: streamId });
      }
      throw error;
    }
  };
}
