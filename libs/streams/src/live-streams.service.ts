import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainEvents } from '@app/common';
import { ConfigStore } from '@app/config';
import { ENGINES, type Engines } from '@app/engines';
import { ADMISSION, type AdmissionControl } from '@app/pipeline';
import { RealtimeError } from '@app/realtime';
import {
  RESULT_PUBLISHER,
  type ResultPublisher,
  type StreamSlowDown,
  type StreamStatusPayload,
} from '@app/results';
import { SESSION_STORE, type SessionStore } from '@app/session';
import { createStreamResampler } from './audio/stream-resampler';
import { DecodeScheduler } from './decoding/decode-scheduler';
import { LiveStream } from './live-stream';
import type { StreamEmit, StreamSettings } from './live-stream.types';
import { StreamMetrics } from './stream-metrics';
import { SpeechDetectors } from './voice/speech-detectors';

/** How soon a client refused for saturated engines may ask again: finals are measured over 30 s. */
const RETRY_SATURATED_SECONDS = 10;

/** A stream as GET /api/streams lists it. */
export interface StreamView extends StreamStatusPayload {
  session_id: string | null;
  sample_rate: number;
  language: string;
  target_languages: string[];
  started_at: string;
}

/**
 * The open live streams of this instance: started, fed, stopped, detached when their client goes away,
 * and reported in stream_status at least every 2 s (one timer for all streams).
 */
@Injectable()
export class LiveStreams implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LiveStreams');
  private readonly streams = new Map<string, LiveStream>();
  private readonly scheduler: DecodeScheduler;
  private statusTimer?: NodeJS.Timeout;
  private unsubscribe: (() => void)[] = [];
  /** Per service, until when (ms since the epoch) one of its engines asked to slow down. */
  private readonly slowedUntil = new Map<StreamSlowDown['service'], number>();

  constructor(
    private readonly config: ConfigStore,
    @Inject(ENGINES) private readonly engines: Engines,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(RESULT_PUBLISHER) private readonly publisher: ResultPublisher,
    private readonly detectors: SpeechDetectors,
    private readonly metrics: StreamMetrics,
    private readonly events: DomainEvents,
    @Inject(ADMISSION) private readonly admission: AdmissionControl,
  ) {
    this.scheduler = new DecodeScheduler(() => this.config.current.streams.maxConcurrentDecodes);
    metrics.countActive(
      () => this.streams.size,
      () => [...this.streams.values()].filter((stream) => stream.degraded).length,
    );
  }

  onModuleInit(): void {
    this.scheduler.pauseInterims(!this.admission.available('whisper'));
    this.unsubscribe = [
      this.events.on('connection.closed', ({ connectionId }) => this.detachAll(connectionId)),
      // Without a speech-to-text instance in rotation, interims are shed first and finals wait; when one is
      // back, the finals held after failing everywhere are tried again at once.
      this.admission.onAvailability((service, available) => {
        if (service !== 'whisper') return;
        this.scheduler.pauseInterims(!available);
        if (available) this.retryHeldFinals();
      }),
      // An instance's breaker closing again (after the probe of a half-open one) is a chance too.
      this.events.on('gateway.breaker', ({ service, state }) => {
        if (service === 'whisper' && state === 'closed') this.retryHeldFinals();
      }),
      this.events.on('engines.slow-down', ({ service, until }) => {
        if (service !== 'whisper' && service !== 'translation') return;
        this.slowedUntil.set(service, Math.max(until, this.slowedUntil.get(service) ?? 0));
      }),
    ];
    this.scheduleStatus();
  }

  onModuleDestroy(): void {
    clearTimeout(this.statusTimer);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const stream of this.streams.values()) stream.close();
  }

  /**
   * Opens a stream, or reattaches a known one (a client resuming after a drop): it then re-sends its audio
   * from `resumeFromMs`, and what this instance already holds is trimmed as overlap.
   */
  async start(
    connectionId: string,
    settings: Omit<StreamSettings, 'streamId'> & { streamId?: string },
  ): Promise<{ stream: LiveStream; resumeFromMs: number }> {
    const known = settings.streamId ? this.streams.get(settings.streamId) : undefined;
    if (known) {
      if (known.connectionId !== connectionId && known.status().state !== 'detached') {
        throw new RealtimeError('STREAM_IN_USE', `Stream ${known.id} is open on another connection`, {
          stream_id: known.id,
        });
      }
      known.attach(connectionId);
      return { stream: known, resumeFromMs: Math.round(known.receivedMs) };
    }
    const config = this.config.current.streams;
    if (this.streams.size >= config.maxStreams) {
      throw new RealtimeError(
        'STREAM_LIMIT',
        `This instance serves at most ${config.maxStreams} live streams`,
      );
    }
    await this.admit();
    const full: StreamSettings = { ...settings, streamId: settings.streamId ?? randomUUID() };
    const stream: LiveStream = new LiveStream(full, connectionId, {
      config,
      detector: this.detectors.create(),
      resampler: await createStreamResampler(full.sampleRate),
      scheduler: this.scheduler,
      engines: this.engines,
      sessions: this.sessions,
      metrics: this.metrics,
      emit: this.emitter(() => stream),
      slowDowns: (translates) => this.slowDowns(translates),
      warn: (message) => this.logger.warn(message),
    });
    this.streams.set(stream.id, stream);
    return { stream, resumeFromMs: 0 };
  }

  /** The stream, if it belongs to this connection. */
  owned(streamId: string, connectionId: string): LiveStream {
    const stream = this.streams.get(streamId);
    if (!stream) {
      throw new RealtimeError('UNKNOWN_STREAM', `No open stream ${streamId}`, { stream_id: streamId });
    }
    if (stream.connectionId !== connectionId) {
      throw new RealtimeError('STREAM_IN_USE', `Stream ${streamId} belongs to another connection`, {
        stream_id: streamId,
      });
    }
    return stream;
  }

  async stop(stream: LiveStream): Promise<{ audio_ms: number; finals: number }> {
    try {
      return await stream.stop();
    } finally {
      this.streams.delete(stream.id);
    }
  }

  list(): StreamView[] {
    return [...this.streams.values()].map((stream) => ({
      ...stream.status(),
      session_id: stream.settings.sessionId ?? null,
      sample_rate: stream.settings.sampleRate,
      language: stream.settings.language ?? 'auto',
      target_languages: stream.settings.targetLanguages,
      started_at: new Date(stream.startedAt).toISOString(),
    }));
  }

  /**
   * A new stream is refused (CONTRACTS §3a `error` naming the reason) rather than accepted into a lag that
   * would only grow: BACKEND_UNAVAILABLE while speech-to-text has no instance in rotation (ADMISSION,
   * `immediate`; translation is not asked: its failures are errors per final and lose no caption),
   * ENGINES_SATURATED when the finals of the open streams, measured, would keep more than
   * `admission_max_load` of the decode slots busy with one more stream. A resumed stream is not asked.
   */
  private async admit(): Promise<void> {
    try {
      await this.admission.admit({ services: ['whisper'], when: 'immediate' });
    } catch (error) {
      this.metrics.refusedStart('BACKEND_UNAVAILABLE');
      throw error;
    }
    const busy = this.scheduler.finalLoad.slotsBusy();
    const open = this.streams.size;
    if (busy === undefined || open === 0) return;
    const { admissionMaxLoad } = this.config.current.streams;
    const slots = this.scheduler.slots;
    const projected = (busy * (open + 1)) / open;
    const backlog = this.scheduler.waiting.finals > slots;
    if (projected <= admissionMaxLoad * slots && !backlog) return;
    this.metrics.refusedStart('ENGINES_SATURATED');
    throw new RealtimeError(
      'ENGINES_SATURATED',
      `The speech-to-text engines are busy with the finals of ${open} live streams ` +
        `(${busy.toFixed(2)} of ${slots} decode slots${backlog ? ', finals queued' : ''}); ` +
        `another stream would exceed streams.admission_max_load (${admissionMaxLoad})`,
      { retry_after_seconds: RETRY_SATURATED_SECONDS, load: Math.round((busy / slots) * 100) / 100 },
    );
  }

  private retryHeldFinals(): void {
    for (const stream of this.streams.values()) stream.retryHeldFinal();
  }

  private slowDowns(translates: boolean): StreamSlowDown[] {
    const now = Date.now();
    const slowed: StreamSlowDown[] = [];
    for (const [service, until] of this.slowedUntil) {
      if (until <= now) this.slowedUntil.delete(service);
      else if (service === 'whisper' || translates)
        slowed.push({ service, until: new Date(until).toISOString() });
    }
    return slowed;
  }

  private emitter(stream: () => LiveStream): StreamEmit {
    return (event, payload, toSession) => {
      const { connectionId, settings } = stream();
      this.publisher.publish(
        { connectionId, sessionId: toSession ? settings.sessionId : undefined },
        event,
        payload,
      );
    };
  }

  private detachAll(connectionId: string): void {
    for (const stream of this.streams.values()) {
      if (stream.connectionId !== connectionId) continue;
      stream.detach(() => {
        this.stop(stream).catch((error: Error) =>
          this.logger.warn(`Stream ${stream.id} did not close cleanly: ${error.message}`),
        );
      });
    }
  }

  private scheduleStatus(): void {
    this.statusTimer = setTimeout(() => {
      for (const stream of this.streams.values()) {
        const status = stream.status();
        this.metrics.observeLag(status.lag_ms);
        if (status.state === 'detached') continue;
        this.emitter(() => stream)('stream_status', status, true);
      }
      this.scheduleStatus();
    }, this.config.current.streams.statusIntervalMs);
    this.statusTimer.unref();
  }
}
