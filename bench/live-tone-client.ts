import { io, type Socket } from 'socket.io-client';
import { transcriptWords } from '../test/support/tone-speech';
import type { StreamOutcome, StreamPlan, ToneStreamClient } from './tone-stream-client';

/** Live frames: ~100 ms, as an AudioWorklet capture batches them. */
const FRAME_MS = 100;
/**
 * Audio re-sent after a resume goes in frames of the contract's largest size: a few seconds behind in 100 ms
 * frames would be more messages at once than the per-connection rate limit (50 a second) lets through.
 */
const CATCH_UP_FRAME_MS = 1000;
const ACK_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 120_000;
/** How long a dropped client stays away before it resumes (a network blip, a page reload). */
const AWAY_MS = 1000;

interface FinalPayload {
  stream_id: string;
  utterance_id: string;
  text: string;
  start_ms: number;
  end_ms: number;
}

interface StatusPayload {
  stream_id: string;
  lag_ms?: number;
  shed_interim?: number;
  state?: string;
}

export interface LiveClientOptions {
  sessionId?: string;
  /** Drop the connection at this stream time and resume the stream on `resumeUrl` after a second away. */
  dropAtMs?: number;
  resumeUrl?: string;
}

export function connectSocket(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
  return new Promise((resolve, reject) => {
    socket.once('connected', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

const overlapShare = (a: FinalPayload, b: FinalPayload) =>
  Math.max(0, Math.min(a.end_ms, b.end_ms) - Math.max(a.start_ms, b.start_ms)) /
  Math.max(1, Math.min(a.end_ms - a.start_ms, b.end_ms - b.start_ms));

/**
 * A live stream client (CONTRACTS §3a): sends raw PCM frames as they are captured and records interim and
 * final captions. It keeps the audio after the end of its last final (here: the whole speech, and where
 * that point is), so after a drop it resumes the stream, on the same or another instance, from the
 * server's `resume_from_ms`.
 */
export class LiveToneClient implements ToneStreamClient {
  private streamId = '';
  private sentMs = 0;
  private lastFinalEndMs = 0;
  private lastFinalId?: string;
  /** Finals that end at or before this were made while the client was away (replayed on the resume). */
  private resumedFromMs = -1;
  /** A resume's stream_start is out: the server replays what the client missed before it acknowledges. */
  private resuming = false;
  /** When the last resume was acknowledged, until the resumed stream's first own final (then undefined). */
  private resumedAt?: number;
  /** An error named a failed final: the server may then resume before the client's last final. */
  private finalFailed = false;
  private readonly finals = new Map<string, FinalPayload>();
  private reconnecting: Promise<void> | undefined;
  private dropped = false;

  private constructor(
    private socket: Socket,
    private readonly plan: StreamPlan,
    private readonly now: () => number,
    private readonly options: LiveClientOptions,
    private readonly result: StreamOutcome,
  ) {}

  static async start(
    socket: Socket,
    plan: StreamPlan,
    now: () => number,
    result: StreamOutcome,
    options: LiveClientOptions = {},
  ): Promise<LiveToneClient> {
    const client = new LiveToneClient(socket, plan, now, options, result);
    await client.begin();
    return client;
  }

  /** stream_start, fresh or (with a stream id) resuming; listens on the current socket. */
  private async begin(): Promise<void> {
    this.listen(this.socket);
    const asked = performance.now();
    this.resuming = this.streamId !== '';
    const started = (await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('stream_start', {
      ...(this.streamId
        ? {
            stream_id: this.streamId,
            resume: true,
            ...(this.lastFinalId ? { last_utterance_id: this.lastFinalId } : {}),
          }
        : {}),
      ...(this.options.sessionId ? { session_id: this.options.sessionId } : {}),
      encoding: 'pcm_s16le',
      sample_rate: this.plan.speech.sampleRate,
      channels: 1,
      language: 'en',
      // Captions only, as the chunked baseline: translation of finals is not what is measured here.
      target_languages: [],
      interim_results: true,
    })) as {
      ok?: boolean;
      stream_id?: string;
      resume_from_ms?: number;
      error?: { code?: string; message?: string };
    };
    this.resuming = false;
    if (!started.ok || !started.stream_id)
      throw new Error(`stream_start refused: ${started.error?.code ?? ''} ${started.error?.message ?? ''}`);
    if (this.streamId) {
      const from = started.resume_from_ms ?? 0;
      // Audio between the last final the client saw and the server's resume point is covered by finals it
      // missed (replayed to it); audio before what the client still holds would be lost. Behind a failed
      // final the server rightly asks for its audio again (the client holds it from stream_status.final_ms).
      if (from < this.lastFinalEndMs - FRAME_MS && !this.finalFailed)
        this.result.errors.push('resume_before_last_final');
      this.result.resumes++;
      this.resumedAt = performance.now();
      this.result.resumeMs.push(this.resumedAt - asked);
      this.resumedFromMs = from;
      this.sentMs = Math.min(this.sentMs, from);
    }
    this.streamId = started.stream_id;
  }

  private listen(socket: Socket): void {
    const ours = (payload: { stream_id?: string }) => payload.stream_id === this.streamId;
    socket.on('transcript_interim', (payload: FinalPayload) => {
      if (ours(payload)) this.show(payload, false);
    });
    socket.on('transcript_final', (payload: FinalPayload) => {
      if (!ours(payload)) return;
      // The same utterance twice, or its speech under another id: both are repeats the reader would see.
      if (this.finals.has(payload.utterance_id)) {
        this.result.repeatedFinals++;
        return;
      }
      for (const other of this.finals.values())
        if (overlapShare(other, payload) > 0.5) this.result.repeatedFinals++;
      // Replayed: sent between the resume's stream_start and its ack (the server replays before it answers),
      // or ending before the resume point.
      if (this.resuming || payload.end_ms <= this.resumedFromMs) this.result.replayedFinals++;
      else if (this.resumedAt !== undefined && payload.start_ms >= this.resumedFromMs) {
        this.result.catchUpMs.push(performance.now() - this.resumedAt);
        this.resumedAt = undefined;
      }
      this.finals.set(payload.utterance_id, payload);
      if (payload.end_ms >= this.lastFinalEndMs) this.lastFinalId = payload.utterance_id;
      this.lastFinalEndMs = Math.max(this.lastFinalEndMs, payload.end_ms);
      this.show(payload, true);
    });
    socket.on('stream_status', (payload: StatusPayload) => {
      if (!ours(payload)) return;
      const status = this.result.status;
      status.maxLagMs = Math.max(status.maxLagMs, payload.lag_ms ?? 0);
      status.shedInterim = Math.max(status.shedInterim, payload.shed_interim ?? 0);
      if (payload.state === 'degraded') status.degradedReports++;
    });
    socket.on('error', (payload: { code?: string; stream_id?: string; event?: string }) => {
      if (payload.stream_id === undefined || ours(payload)) this.result.errors.push(payload.code ?? 'error');
      if (ours(payload) && payload.event === 'transcript_final') this.finalFailed = true;
    });
  }

  private show(payload: FinalPayload, final: boolean): void {
    this.result.shown.push({
      atMs: this.now(),
      fromMs: payload.start_ms,
      toMs: payload.end_ms,
      words: transcriptWords(payload.text),
      final,
    });
  }

  private drop(): void {
    this.dropped = true;
    this.socket.close();
    this.reconnecting = (async () => {
      await new Promise((resolve) => setTimeout(resolve, AWAY_MS));
      this.socket = await connectSocket(this.options.resumeUrl ?? '');
      await this.begin();
    })().then(
      () => (this.reconnecting = undefined),
      (error: Error) => {
        this.result.errors.push(`resume_failed: ${error.message}`);
        this.sentMs = this.plan.speech.durationMs;
        this.reconnecting = undefined;
      },
    );
  }

  tick(nowMs: number): boolean {
    const { speech } = this.plan;
    if (this.reconnecting) return false;
    if (!this.dropped && this.options.dropAtMs !== undefined && nowMs >= this.options.dropAtMs) {
      this.drop();
      return false;
    }
    while (this.sentMs < speech.durationMs && nowMs >= Math.min(this.sentMs + FRAME_MS, speech.durationMs)) {
      const step = nowMs - this.sentMs >= CATCH_UP_FRAME_MS ? CATCH_UP_FRAME_MS : FRAME_MS;
      const toMs = Math.min(this.sentMs + step, speech.durationMs);
      const at = (ms: number) => Math.min(speech.samples.length, Math.round((ms * speech.sampleRate) / 1000));
      const samples = speech.samples.subarray(at(this.sentMs), at(toMs));
      // The contract takes frames of 10 ms and more; a shorter tail is silence anyway.
      if (toMs - this.sentMs >= 10) {
        this.result.sendLateness.push(nowMs - toMs);
        this.socket.emit('stream_audio', {
          stream_id: this.streamId,
          offset_ms: this.sentMs,
          audio: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength),
        });
      }
      this.sentMs = toMs;
    }
    return this.sentMs >= speech.durationMs;
  }

  async finish(): Promise<StreamOutcome> {
    await this.reconnecting;
    // What the client must still hold for a resume: everything after its last final.
    this.result.retainedMs = Math.max(0, this.plan.speech.durationMs - this.lastFinalEndMs);
    const stopped = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.result.errors.push('stream_stopped_timeout');
        resolve();
      }, STOP_TIMEOUT_MS);
      this.socket.on('stream_stopped', (payload: { stream_id?: string }) => {
        if (payload.stream_id !== this.streamId) return;
        clearTimeout(timer);
        resolve();
      });
    });
    this.socket.emit('stream_stop', { stream_id: this.streamId });
    await stopped;
    this.result.finalWords = [...this.finals.values()]
      .sort((a, b) => a.start_ms - b.start_ms)
      .flatMap((final) => transcriptWords(final.text));
    return this.result;
  }

  close(): void {
    this.socket.close();
  }
}
