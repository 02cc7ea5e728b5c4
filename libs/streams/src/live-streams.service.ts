import { HttpStatus, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApiError, DomainEvents } from '@app/common';
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
import { DecodeCapacity } from './decoding/decode-capacity';
import { DecodeScheduler } from './decoding/decode-scheduler';
import { LiveStream } from './live-stream';
import type { StreamEmit, StreamStart } from './live-stream.types';
import type { StreamSettings } from './stream-settings';
import { REGISTRY_RENEW_INTERVAL_MS } from './registry/stream-registry.provider';
import {
  STREAM_REGISTRY,
  type ReplayEvent,
  type StreamRegistry,
  type StreamTaken,
} from './registry/stream-registry';
import { StreamMetrics } from './stream-metrics';
import { utteranceNumber } from './utterance-id';
import { SpeechDetectors } from './voice/speech-detectors';

/** stream_start, validated: a new stream, or (naming a known `streamId`) a resume. */
export interface StreamStartRequest extends Omit<StreamSettings, 'streamId'> {
  streamId?: string;
  /** The client says it resumes: an unknown id is then an error, not a new stream. */
  resume?: boolean;
  /** The newest final the client has (`<stream_id>#<n>`). */
  lastUtteranceId?: string;
}

export interface StartedStream {
  stream: LiveStream;
  resumeFromMs: number;
  /** Finals and translations the client missed, to send it right after `stream_started`. */
  replay: ReplayEvent[];
}

/** How soon a client refused for saturated engines may ask again: finals are measured over 30 s. */
const RETRY_SATURATED_SECONDS = 10;

/** The live decode capacity as GET /api/streams shows it (docs/streams.md "Decode capacity"). */
export interface DecodeCapacityView {
  /** Live decodes sent into the engines at once now: this instance's share, bounded by the configured maximum. */
  decode_slots: number;
  /** What the speech-to-text instances that can serve now take at once (their caps or kinds' slots). */
  pool_slots: number;
  /** This instance's share of them: all of them unless instances on the same Redis share the pool. */
  share_slots: number;
  /** `streams.max_concurrent_decodes`, null when unset. */
  max_concurrent_decodes: number | null;
  decodes_in_flight: number;
  finals_waiting: number;
  interims_waiting: number;
  /** Decode slots the open streams' finals kept busy over the last 30 s; null while too little is measured. */
  finals_load: number | null;
  /** Every instance sharing the pool (this one alone without REDIS_URL): what admission measures. */
  cluster: {
    instances: number;
    /** The pool's slots, bounded by each instance's `max_concurrent_decodes`. */
    slots: number;
    streams: number;
    finals_load: number | null;
  };
}

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
  private renewTimer?: NodeJS.Timeout;
  private unsubscribe: (() => void)[] = [];
  /** This process, as the stream registry names owners. */
  readonly instanceId = randomUUID();
  /** Per service, until when (ms since the epoch) one of its engines asked to slow down. */
  private readonly slowedUntil = new Map<StreamSlowDown['service'], number>();

  constructor(
    private readonly config: ConfigStore,
    @Inject(ENGINES) private readonly engines: Engines,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(RESULT_PUBLISHER) private readonly publisher: ResultPublisher,
    @Inject(STREAM_REGISTRY) private readonly registry: StreamRegistry,
    private readonly detectors: SpeechDetectors,
    private readonly metrics: StreamMetrics,
    private readonly events: DomainEvents,
    @Inject(ADMISSION) private readonly admission: AdmissionControl,
    private readonly capacity: DecodeCapacity,
  ) {
    // At least one: with no instance able to serve, a final still gets its attempt, fails fast and is held
    // for a retry (rather than waiting unseen in the queue); interims are shed meanwhile.
    this.scheduler = new DecodeScheduler(() => Math.max(1, capacity.slots));
    metrics.countDecodeSlots(() => capacity.slots);
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
      this.registry.onTaken((taken) => this.handOver(taken)),
      this.capacity.onChange(() => this.scheduler.resized()),
    ];
    this.capacity.report(() => ({ streams: this.streams.size, finalsLoad: this.finalsLoad() }));
    this.scheduleStatus();
    this.renew();
  }

  onModuleDestroy(): void {
    clearTimeout(this.statusTimer);
    clearTimeout(this.renewTimer);
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const stream of this.streams.values()) stream.shutDown();
  }

  /**
   * Opens a stream, or resumes a known one on this or (through the registry) another instance. The client
   * then re-sends its audio from `resumeFromMs`: here, the audio this instance already holds (what it
   * re-sends before that is trimmed as overlap); taken over from another instance, the end of the last
   * final, since the open utterance stayed behind.
   */
  async start(connectionId: string, request: StreamStartRequest): Promise<StartedStream> {
    const { resume, lastUtteranceId, ...settings } = request;
    const lastUtterance = this.lastUtterance(settings.streamId, lastUtteranceId);
    if (settings.streamId) {
      const resumed = await this.resume(connectionId, settings.streamId, settings.sessionId, lastUtterance);
      if (resumed) return resumed;
      if (resume) {
        throw new RealtimeError(
          'UNKNOWN_STREAM',
          `No stream ${settings.streamId} to resume: it was stopped, or closed after its client stayed away longer than ${this.config.current.streams.detachedTimeout} s`,
          { stream_id: settings.streamId },
        );
      }
    }
    this.checkCapacity();
    await this.admit();
    const full: StreamSettings = { ...settings, streamId: settings.streamId ?? randomUUID() };
    const created = await this.registry.create({
      settings: full,
      owner: this.instanceId,
      connectionId,
      finalMs: 0,
      nextUtterance: 0,
    });
    // Lost a race with another stream_start naming the same new id.
    if (!created) throw inUse(full.streamId);
    const stream = await this.open(full, connectionId, { ms: 0, nextUtterance: 0, epoch: 1 });
    return { stream, resumeFromMs: 0, replay: [] };
  }

  /** Sends the client what it missed, to its connection only (the session's room had it already). */
  replay(stream: LiveStream, events: ReplayEvent[]): void {
    for (const { event, payload } of events) {
      this.publisher.publish({ connectionId: stream.connectionId }, event, payload);
    }
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
      // Only this copy: a resume may already have put a new one under the id.
      if (this.streams.get(stream.id) === stream) {
        this.streams.delete(stream.id);
        this.capacity.streamsChanged();
      }
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

  decodeCapacity(): DecodeCapacityView {
    const waiting = this.scheduler.waiting;
    const cluster = this.clusterLoad();
    return {
      decode_slots: this.capacity.slots,
      pool_slots: this.capacity.poolSlots,
      share_slots: this.capacity.shareSlots,
      max_concurrent_decodes: this.capacity.maxConcurrentDecodes ?? null,
      decodes_in_flight: this.scheduler.inFlight,
      finals_waiting: waiting.finals,
      interims_waiting: waiting.interims,
      finals_load: this.finalsLoad(),
      cluster: {
        instances: cluster.instances,
        slots: this.capacity.clusterSlots,
        streams: cluster.streams,
        finals_load: cluster.finalsLoad === undefined ? null : round2(cluster.finalsLoad),
      },
    };
  }

  /** Slots this instance's finals kept busy over the last 30 s, to two places; null while unmeasured. */
  private finalsLoad(): number | null {
    const load = this.scheduler.finalLoad.slotsBusy();
    return load === undefined ? null : round2(load);
  }

  /**
   * The open streams and their finals' load on every instance sharing the pool (this one now, the others as
   * last heard); the load is undefined while no instance has measured any.
   */
  private clusterLoad(): { instances: number; streams: number; finalsLoad: number | undefined } {
    const here = this.scheduler.finalLoad.slotsBusy();
    let streams = this.streams.size;
    let finalsLoad = here;
    const others = this.capacity.others();
    for (const peer of others) {
      streams += peer.streams;
      if (peer.finalsLoad !== null) finalsLoad = (finalsLoad ?? 0) + peer.finalsLoad;
    }
    return { instances: 1 + others.length, streams, finalsLoad };
  }

  private async resume(
    connectionId: string,
    streamId: string,
    sessionId: string | undefined,
    lastUtterance: number | undefined,
  ): Promise<StartedStream | undefined> {
    // Checked before the claim: a stream taken over and then refused here would be lost to both instances.
    if (!this.streams.has(streamId)) this.checkCapacity();
    // A copy here that gave up a final cannot go on: the resume starts before that final's audio.
    const replace = this.streams.get(streamId)?.resumesBehind ?? false;
    const claim = await this.registry.claim(streamId, {
      owner: this.instanceId,
      connectionId,
      sessionId,
      replace,
    });
    switch (claim.outcome) {
      case 'unknown':
        return undefined;
      case 'in_use':
        throw inUse(streamId);
      case 'other_session':
        throw new RealtimeError(
          'STREAM_SESSION_MISMATCH',
          `Stream ${streamId} belongs to another session: resume it with the session it was started in`,
          { stream_id: streamId, field: 'session_id' },
        );
      case 'claimed':
        break;
    }
    // What the server published between the client's going and its seeing the close was lost in flight:
    // finals after the client's last one, and that final's translations, which may or may not have arrived
    // (sent again under the same utterance id and language, which clients replace).
    const replay = claim.log.filter(
      (entry) =>
        (claim.droppedAt !== undefined && entry.seq > claim.droppedAt) ||
        (lastUtterance !== undefined &&
          (entry.utterance > lastUtterance ||
            (entry.utterance === lastUtterance && entry.event === 'translation_final'))),
    );
    const local = this.streams.get(streamId);
    if (local && claim.previousOwner === this.instanceId && !local.handedOff && !replace) {
      local.attach(connectionId, claim.record.epoch);
      return { stream: local, resumeFromMs: Math.round(local.receivedMs), replay };
    }
    // A copy left from before another instance had the stream (its hand-over message was missed).
    if (local) this.closeCopy(local, connectionId);
    const { record } = claim;
    const stream = await this.open(record.settings, connectionId, {
      ms: record.finalMs,
      nextUtterance: record.nextUtterance,
      epoch: record.epoch,
      delivered: claim.log.flatMap((entry) =>
        entry.event === 'transcript_final' && entry.utterance >= record.nextUtterance
          ? [{ utterance: entry.utterance, startMs: entry.payload.start_ms, endMs: entry.payload.end_ms }]
          : [],
      ),
    });
    return { stream, resumeFromMs: record.finalMs, replay };
  }

  private async open(
    settings: StreamSettings,
    connectionId: string,
    start: StreamStart,
  ): Promise<LiveStream> {
    const config = this.config.current.streams;
    const stream: LiveStream = new LiveStream(
      settings,
      connectionId,
      {
        config,
        detector: this.detectors.create(),
        resampler: await createStreamResampler(settings.sampleRate),
        scheduler: this.scheduler,
        engines: this.engines,
        sessions: this.sessions,
        registry: this.registry,
        owner: this.instanceId,
        metrics: this.metrics,
        emit: this.emitter(() => stream),
        slowDowns: (translates) => this.slowDowns(translates),
        warn: (message) => this.logger.warn(message),
      },
      start,
    );
    this.streams.set(stream.id, stream);
    this.capacity.streamsChanged();
    return stream;
  }

  private checkCapacity(): void {
    const { maxStreams } = this.config.current.streams;
    if (this.streams.size >= maxStreams) {
      throw new RealtimeError('STREAM_LIMIT', `This instance serves at most ${maxStreams} live streams`);
    }
  }

  private lastUtterance(streamId: string | undefined, id: string | undefined): number | undefined {
    if (id === undefined) return undefined;
    const number = streamId ? utteranceNumber(streamId, id) : undefined;
    if (number === undefined) {
      throw new RealtimeError('INVALID_PAYLOAD', 'last_utterance_id must name an utterance of this stream', {
        fields: [
          { field: 'last_utterance_id', message: `${id} is no utterance of stream ${streamId ?? '(none)'}` },
        ],
      });
    }
    return number;
  }

  /** Another instance took one of ours: this copy stops finalising (see LiveStream.handOver). */
  private handOver(taken: StreamTaken): void {
    const stream = this.streams.get(taken.streamId);
    if (stream && taken.owner !== this.instanceId) this.closeCopy(stream, taken.connectionId);
  }

  private closeCopy(stream: LiveStream, connectionId: string): void {
    this.streams.delete(stream.id);
    this.capacity.streamsChanged();
    stream
      .handOver(connectionId)
      .catch((error: Error) => this.logger.warn(`Stream ${stream.id} copy not closed: ${error.message}`));
  }

  /** Told alive every few seconds, so other instances do not take attached streams from a live owner. */
  private renew(): void {
    this.registry
      .renew(this.instanceId, [...this.streams.keys()])
      .catch((error: Error) => this.logger.warn(`Stream registry not renewed: ${error.message}`));
    this.renewTimer = setTimeout(() => this.renew(), REGISTRY_RENEW_INTERVAL_MS);
    this.renewTimer.unref();
  }

  /**
   * A new stream is refused (CONTRACTS §3a `error` naming the reason) rather than accepted into a lag that
   * would only grow: BACKEND_UNAVAILABLE while speech-to-text has no instance in rotation (ADMISSION,
   * `immediate`; translation is not asked: its failures are errors per final and lose no caption) or none
   * that can take a call (every breaker open), ENGINES_SATURATED when the finals of the open streams of
   * every instance sharing the pool, measured, would keep more than `admission_max_load` of the pool's
   * slots now busy with one more stream, or finals queue here beyond this instance's share. A resumed
   * stream is not asked.
   */
  private async admit(): Promise<void> {
    try {
      await this.admission.admit({ services: ['whisper'], when: 'immediate' });
      if (this.capacity.poolSlots === 0) {
        throw noneServing(this.config.current.gateway.circuitBreakerResetTimeout);
      }
    } catch (error) {
      this.metrics.refusedStart('BACKEND_UNAVAILABLE');
      throw error;
    }
    // Every instance sharing the pool counts: their finals together against the pool's slots together.
    const { instances, streams: open, finalsLoad: busy } = this.clusterLoad();
    if (busy === undefined || open === 0) return;
    const slots = this.capacity.clusterSlots;
    const { admissionMaxLoad } = this.config.current.streams;
    const projected = (busy * (open + 1)) / open;
    const backlog = this.scheduler.waiting.finals > this.capacity.slots;
    if (projected <= admissionMaxLoad * slots && !backlog) return;
    this.metrics.refusedStart('ENGINES_SATURATED');
    const where = instances > 1 ? ` on ${instances} instances sharing them` : '';
    throw new RealtimeError(
      'ENGINES_SATURATED',
      `The speech-to-text engines are busy with the finals of ${open} live streams${where} ` +
        `(${busy.toFixed(2)} of ${slots} decode slots${backlog ? ', finals queued here' : ''}); ` +
        `another stream would exceed streams.admission_max_load (${admissionMaxLoad})`,
      { retry_after_seconds: RETRY_SATURATED_SECONDS, load: round2(busy / slots), slots },
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

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Every speech-to-text instance in rotation has its breaker open: none takes a call until a probe passes. */
function noneServing(resetSeconds: number): ApiError {
  const retryAfter = Math.max(1, Math.ceil(resetSeconds));
  return new ApiError(
    HttpStatus.SERVICE_UNAVAILABLE,
    'BACKEND_UNAVAILABLE',
    `The whisper service has no instance that can take a call (their breakers are open); retry in ${retryAfter} s`,
    { service: 'whisper', retry_after_seconds: retryAfter },
    { 'Retry-After': String(retryAfter) },
  );
}

function inUse(streamId: string): RealtimeError {
  return new RealtimeError('STREAM_IN_USE', `Stream ${streamId} is open on another connection`, {
    stream_id: streamId,
  });
}
