import { isRetryable, type TranscriptionResult } from '@app/engines';
import { RealtimeError } from '@app/realtime';
import type {
  StreamState,
  StreamStatusPayload,
  TranscriptFinalPayload,
  TranslationFinalPayload,
} from '@app/results';
import { SAMPLES_PER_MS, pcmWav } from './audio/pcm';
import { StreamTimeline } from './audio/stream-timeline';
import { LocalAgreement } from './decoding/local-agreement';
import type { DecodeKind } from './stream-metrics';
import { UtteranceSegmenter, type ClosedUtterance, type Utterance } from './segmentation/utterance-segmenter';
import type { DeliveredFinal, StreamParts, StreamStart } from './live-stream.types';
import type { StreamSettings } from './stream-settings';
import { utteranceId } from './utterance-id';

/** The previous final, passed as the engine's prompt, is cut to its last characters (Whisper reads ~224 tokens). */
const PROMPT_CHARS = 400;
/** Weight of the newest decode in the moving real-time factor. */
const RTF_SMOOTHING = 0.2;
/**
 * A final whose decode fails is tried again after these pauses, with the same audio (decoding is
 * idempotent): an engine restarting or a pool with every instance briefly out of rotation must not cost a
 * caption. Only then is it an error naming the utterance.
 */
const FINAL_RETRY_DELAYS_MS = [250, 1000, 2000];
/** Silence is fed to the segmenter in pieces of this many samples, so a long gap is no huge allocation. */
const SILENCE_PIECE = 16000;

/**
 * One live stream (CONTRACTS §3a): places frames on its timeline, converts them to 16 kHz, segments them
 * into utterances, asks for interim decodes of the open utterance and one final decode of each closed one,
 * and publishes finals and their translations in order, exactly once.
 */
export class LiveStream {
  readonly startedAt = Date.now();
  connectionId: string;
  private state: StreamState = 'active';
  private readonly timeline: StreamTimeline;
  private readonly segmenter: UtteranceSegmenter;
  private finals = 0;
  /** End of the last utterance decoded (or given up): what the lag is measured against. */
  private finalMs = 0;
  /**
   * Where a resume starts: the end of the last utterance done (its final out, or heard as nothing) before
   * the earliest one not delivered, and that one's number. A given-up final holds it back, so its audio
   * is re-sent and decoded again by the copy that takes the stream over.
   */
  private resumePoint: { ms: number; utterance: number };
  /** The earliest final given up (its number) while the resume point waits before it. */
  private givenUp?: number;
  /** Finals an earlier copy sent after this copy's start: recognised by their span and not sent again. */
  private readonly delivered: DeliveredFinal[];
  /** End of the audio the newest interim decode covered. */
  private interimMs = 0;
  /** Audio position (16 kHz clock) at which the last interim decode was asked for. */
  private interimAskedMs = 0;
  private pendingFinals = 0;
  /** Audio of the closed utterances whose finals are not out yet. */
  private pendingAudioMs = 0;
  /** Finals that failed everywhere and wait for a retry (0 or 1: later ones queue behind it). */
  private heldFinals = 0;
  private wakeHeld?: () => void;
  private failedWhileStopping = false;
  private closed = false;
  private shed = 0;
  private rtf = 0;
  private previousText = '';
  private agreement?: { index: number; agreement: LocalAgreement; shown: boolean };
  /** Utterances closed so far: an interim of one of these is stale. */
  private closedBelow = 0;
  private finalChain: Promise<void> = Promise.resolve();
  private translationChain: Promise<void> = Promise.resolve();
  private detachTimer?: NodeJS.Timeout;
  /** The registry epoch under which this copy holds the stream. */
  private epoch: number;
  /** Another instance took the stream over: this copy publishes no more finals. */
  private handedOver = false;
  private closing?: Promise<void>;

  constructor(
    readonly settings: StreamSettings,
    connectionId: string,
    private readonly parts: StreamParts,
    start: StreamStart = { ms: 0, nextUtterance: 0, epoch: 1 },
  ) {
    this.connectionId = connectionId;
    this.epoch = start.epoch;
    this.timeline = new StreamTimeline(settings.sampleRate, parts.config.maxGapMs, start.ms);
    this.segmenter = new UtteranceSegmenter(parts.detector, parts.config, {
      ms: start.ms,
      nextIndex: start.nextUtterance,
    });
    this.finalMs = this.interimMs = this.interimAskedMs = start.ms;
    this.closedBelow = start.nextUtterance;
    this.resumePoint = { ms: start.ms, utterance: start.nextUtterance };
    this.delivered = start.delivered ?? [];
  }

  get id(): string {
    return this.settings.streamId;
  }

  get receivedMs(): number {
    return this.timeline.receivedMs;
  }

  /** Takes one frame at `offsetMs` (client clock); overlaps are trimmed, gaps filled with silence. */
  audio(offsetMs: number, samples: Int16Array): void {
    if (this.state === 'stopping') {
      throw new RealtimeError('STREAM_STOPPING', `Stream ${this.id} is stopping`, { stream_id: this.id });
    }
    const gapsBefore = this.timeline.gapsMs;
    const placed = this.timeline.place(offsetMs, samples);
    this.parts.metrics.gap(this.timeline.gapsMs - gapsBefore);
    for (let left = placed.silence; left > 0; left -= SILENCE_PIECE) {
      this.segment(new Int16Array(Math.min(left, SILENCE_PIECE)));
    }
    if (placed.audio.length > 0) this.segment(placed.audio);
    this.askForInterim();
  }

  /** Finalises what is still open, waits for every final and translation, then says the stream stopped. */
  async stop(): Promise<{ audio_ms: number; finals: number }> {
    if (this.state !== 'stopping') {
      this.state = 'stopping';
      clearTimeout(this.detachTimer);
      this.wakeHeld?.();
      for (const utterance of this.segmenter.flush()) this.finalise(utterance);
    }
    await this.close();
    // Released here unless another instance took the stream meanwhile: then it goes on there, not stopped.
    const ours =
      !this.handedOver &&
      (await this.parts.registry.release(this.id, this.holder).catch((error: Error) => {
        this.parts.warn(`Stream ${this.id} not released from the registry: ${error.message}`);
        return true;
      }));
    const summary = { audio_ms: Math.round(this.receivedMs), finals: this.finals };
    if (ours) this.parts.emit('stream_stopped', { stream_id: this.id, ...summary }, true);
    return summary;
  }

  /** The client went away: the stream waits `detachedTimeout` seconds for a resume, then stops. */
  detach(onExpired: () => void): void {
    if (this.state === 'stopping') return;
    this.state = 'detached';
    this.detachTimer = setTimeout(onExpired, this.parts.config.detachedTimeout * 1000);
    this.detachTimer.unref();
    this.parts.registry
      .detach(this.id, this.holder)
      .catch((error: Error) => this.parts.warn(`Stream ${this.id} detach not recorded: ${error.message}`));
  }

  /** The client is back on this instance (the registry claim said so, under `epoch`). */
  attach(connectionId: string, epoch = this.epoch): void {
    clearTimeout(this.detachTimer);
    this.connectionId = connectionId;
    this.epoch = epoch;
    if (this.state === 'detached') this.state = 'active';
    this.wakeHeld?.();
  }

  /**
   * Another instance took the stream over: the open utterance is dropped (the client re-sends its audio
   * there, from the end of the last final) and finals still being decoded here are not published; only the
   * translations of finals already out follow the client, to its new connection.
   */
  handOver(connectionId: string): Promise<void> {
    this.handedOver = true;
    this.connectionId = connectionId;
    this.state = 'stopping';
    clearTimeout(this.detachTimer);
    this.wakeHeld?.();
    return this.close();
  }

  get handedOff(): boolean {
    return this.handedOver;
  }

  /** A final was given up: a resume must start before its audio, so this copy cannot simply go on. */
  get resumesBehind(): boolean {
    return this.givenUp !== undefined;
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      await this.finalChain;
      await this.translationChain;
      this.parts.scheduler.forget(this.id);
      this.parts.detector.release();
      this.parts.resampler.close();
    })();
    return this.closing;
  }

  private get holder(): { owner: string; epoch: number } {
    return { owner: this.parts.owner, epoch: this.epoch };
  }

  /**
   * The stream's figures. Reading them also moves the stream in or out of `degraded`: in when lag_ms passes
   * `degraded_lag_ms`, out only when it is back below `recovered_lag_ms`, so a lag hovering near the
   * threshold does not flap.
   */
  status(): StreamStatusPayload {
    const received = this.segmenter.positionMs;
    const idle = !this.segmenter.current() && this.pendingFinals === 0;
    const covered = idle ? received : Math.max(this.finalMs, this.interimMs);
    const lagMs = Math.max(0, Math.round(received - covered));
    this.followLag(lagMs);
    return {
      stream_id: this.id,
      received_ms: Math.round(this.receivedMs),
      final_ms: Math.round(this.resumePoint.ms),
      lag_ms: lagMs,
      rtf: Math.round(this.rtf * 1000) / 1000,
      gaps_ms: Math.round(this.timeline.gapsMs),
      shed_interim: this.shed,
      state: this.state,
      slow_down: this.parts.slowDowns(this.settings.targetLanguages.length > 0),
      held_finals: this.heldFinals,
    };
  }

  get degraded(): boolean {
    return this.state === 'degraded';
  }

  private followLag(lagMs: number): void {
    const { degradedLagMs, recoveredLagMs } = this.parts.config;
    if (this.state === 'active' && lagMs > degradedLagMs) {
      this.state = 'degraded';
      this.parts.metrics.degraded();
    } else if (this.state === 'degraded' && lagMs < recoveredLagMs) {
      this.state = 'active';
    }
  }

  private segment(samples: Int16Array): void {
    for (const utterance of this.segmenter.push(this.parts.resampler.push(samples))) this.finalise(utterance);
  }

  private askForInterim(): void {
    const open = this.segmenter.current();
    if (!this.settings.interimResults || !open) return;
    // Speech sent before, heard again after a resume: its final is out already (a re-decoded one needs none).
    if (this.delivered.length > 0 && open.startMs < this.delivered[this.delivered.length - 1].endMs) return;
    if (this.segmenter.positionMs - this.interimAskedMs < this.parts.config.interimIntervalMs) return;
    this.interimAskedMs = this.segmenter.positionMs;
    void this.parts.scheduler
      .interim(
        this.id,
        () => (open.index < this.closedBelow ? Promise.resolve(undefined) : this.decode(open, 'interim')),
        () => {
          this.shed++;
          this.parts.metrics.interimShed();
        },
      )
      .then(
        (result) => result && this.showInterim(open, result),
        () => undefined, // An interim that failed is simply not shown; the final will be decoded anyway.
      );
  }

  private showInterim(utterance: Utterance, result: TranscriptionResult): void {
    // Stale: the utterance closed meanwhile (its final comes next), or a newer interim was shown.
    if (utterance.index < this.closedBelow || utterance.endMs <= this.interimMs) return;
    if (this.agreement?.index !== utterance.index) {
      this.agreement = { index: utterance.index, agreement: new LocalAgreement(), shown: false };
    }
    const { text, stableText } = this.agreement.agreement.update(result.text);
    this.interimMs = utterance.endMs;
    if (text === '') return;
    this.agreement.shown = true;
    this.parts.emit(
      'transcript_interim',
      {
        stream_id: this.id,
        utterance_id: utteranceId(this.id, utterance.index),
        text,
        stable_text: stableText,
        start_ms: Math.round(utterance.startMs),
        end_ms: Math.round(utterance.endMs),
      },
      true,
    );
  }

  private finalise(closed: ClosedUtterance): void {
    this.closedBelow = closed.index + 1;
    const sentBefore = this.deliveredAs(closed);
    const utterance = this.numbered(closed, sentBefore);
    this.interimAskedMs = this.segmenter.positionMs;
    const closedAt = performance.now();
    const interimShown = this.agreement?.index === utterance.index && this.agreement.shown;
    const audioMs = utterance.samples.length / SAMPLES_PER_MS;
    this.pendingFinals++;
    this.pendingAudioMs += audioMs;
    this.finalChain = this.finalChain.then(async () => {
      try {
        if (sentBefore) {
          await this.commit(utterance, true);
          return;
        }
        const result = await this.finalOrHeld(utterance);
        // Noise that the engine heard as nothing is no utterance, unless an interim already showed it.
        const final =
          result && (result.text !== '' || interimShown) ? this.finalPayload(utterance, result) : undefined;
        // Not committed: another instance holds the stream now, and decodes this audio again itself.
        if (!(await this.commit(utterance, result !== undefined, final))) return;
        if (final) {
          this.publishFinal(utterance.index, final);
          this.parts.metrics.observeFinalLatency(performance.now() - closedAt);
        }
      } finally {
        this.finalMs = Math.max(this.finalMs, utterance.endMs);
        this.pendingFinals--;
        this.pendingAudioMs -= audioMs;
      }
    });
  }

  /**
   * The final's decode, with its retries. When they fail everywhere, the client is told (an `error` naming
   * the utterance, `will_retry: true`) and the audio is kept: it is tried again when the speech-to-text
   * service is back in rotation or every `final_retry_interval_ms`, while the stream lasts. Later finals
   * wait behind it, so finals stay in order. Given up (an `error` with `will_retry: false`): a failure no
   * retry can mend, audio of waiting finals beyond `max_held_final_ms`, or the stream stopping.
   */
  private async finalOrHeld(utterance: ClosedUtterance): Promise<TranscriptionResult | undefined> {
    let held = false;
    try {
      for (;;) {
        try {
          // Stopping with the engines failing: one attempt each, so stream_stop answers in time.
          const result = await this.decodeFinal(utterance, this.failedWhileStopping ? [] : undefined);
          if (held) this.parts.metrics.finalHeld('recovered');
          return result;
        } catch (error) {
          if (this.closed) return undefined;
          const giveUp =
            !isRetryable(error) ||
            this.state === 'stopping' ||
            (this.pendingFinals > 1 && this.pendingAudioMs > this.parts.config.maxHeldFinalMs);
          if (giveUp) {
            if (this.state === 'stopping') this.failedWhileStopping = true;
            this.tell('transcript_final', utterance.index, error, { will_retry: false });
            // Handed over: not given up, the new owner decodes this audio again.
            if ((held || isRetryable(error)) && !this.handedOver) this.parts.metrics.finalHeld('given_up');
            return undefined;
          }
          if (!held) {
            held = true;
            this.heldFinals++;
            this.parts.metrics.finalHeld('held');
            this.tell('transcript_final', utterance.index, error, { will_retry: true });
          }
          await this.retryWait();
        }
      }
    } finally {
      if (held) this.heldFinals--;
    }
  }

  /** Until the next retry of a held final: the service back in rotation, the interval, or the stream stopping. */
  private retryWait(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => wake(), this.parts.config.finalRetryIntervalMs);
      timer.unref();
      const wake = () => {
        clearTimeout(timer);
        this.wakeHeld = undefined;
        resolve();
      };
      this.wakeHeld = wake;
    });
  }

  /** The speech-to-text service is back: a held final is tried again now. */
  retryHeldFinal(): void {
    this.wakeHeld?.();
  }

  /** The process is shutting down: held finals are dropped without retrying (the client is going too). */
  shutDown(): void {
    this.closed = true;
    clearTimeout(this.detachTimer);
    this.wakeHeld?.();
  }

  private async decodeFinal(
    utterance: ClosedUtterance,
    delays: readonly number[] = FINAL_RETRY_DELAYS_MS,
  ): Promise<TranscriptionResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.parts.scheduler.final(this.id, () => this.decode(utterance, 'final'));
      } catch (error) {
        const delay = delays[attempt];
        if (delay === undefined || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /**
   * The final an earlier copy already sent for this speech (resumed behind a given-up final): the same
   * audio segmented the same way, so the spans agree; more than half of the shorter one in common counts.
   */
  private deliveredAs(utterance: Utterance): DeliveredFinal | undefined {
    return this.delivered.find((sent) => {
      const common = Math.min(sent.endMs, utterance.endMs) - Math.max(sent.startMs, utterance.startMs);
      return common > 0.5 * Math.min(sent.endMs - sent.startMs, utterance.endMs - utterance.startMs);
    });
  }

  /** The utterance under its own number, or a fresh one if an earlier copy sent other speech under it. */
  private numbered(utterance: ClosedUtterance, sentBefore?: DeliveredFinal): ClosedUtterance {
    if (sentBefore || !this.delivered.some((sent) => sent.utterance === utterance.index)) return utterance;
    const highest = Math.max(...this.delivered.map((sent) => sent.utterance));
    return { ...utterance, index: this.segmenter.freshIndex(highest) };
  }

  /**
   * Records that the utterance is done (`delivered`: its final out, or heard as nothing; else given up)
   * and its final, for replay, before anything is published, so a final is out only while this copy
   * holds the stream. A given-up final keeps the resume point before its audio, for at most
   * `max_held_final_ms` of audio after it (what a client is asked to keep). A registry that cannot be
   * reached does not hold captions back from the client connected here.
   */
  private async commit(
    utterance: ClosedUtterance,
    delivered: boolean,
    final?: TranscriptFinalPayload,
  ): Promise<boolean> {
    if (this.handedOver) return false;
    if (!delivered) this.givenUp ??= utterance.index;
    else if (
      this.givenUp !== undefined &&
      utterance.endMs - this.resumePoint.ms > this.parts.config.maxHeldFinalMs
    ) {
      this.givenUp = undefined;
    }
    if (this.givenUp === undefined) {
      this.resumePoint = {
        ms: Math.round(utterance.endMs),
        utterance: Math.max(this.resumePoint.utterance, utterance.index + 1),
      };
    }
    const committed = await this.parts.registry
      .commitFinal(
        this.id,
        this.holder,
        { finalMs: this.resumePoint.ms, nextUtterance: this.resumePoint.utterance },
        final && { utterance: utterance.index, payload: final },
      )
      .catch((error: Error) => {
        this.parts.warn(`Stream ${this.id}: progress not recorded (${error.message})`);
        return true;
      });
    if (!committed) this.handedOver = true;
    return committed;
  }

  private finalPayload(utterance: ClosedUtterance, result: TranscriptionResult): TranscriptFinalPayload {
    return {
      stream_id: this.id,
      utterance_id: utteranceId(this.id, utterance.index),
      text: result.text,
      ...(result.words
        ? {
            words: result.words.map((w) => ({
              word: w.word,
              start_ms: Math.round(utterance.startMs + w.start * 1000),
              end_ms: Math.round(utterance.startMs + w.end * 1000),
            })),
          }
        : {}),
      start_ms: Math.round(utterance.startMs),
      end_ms: Math.round(utterance.endMs),
      language: result.language,
      confidence: result.confidence,
      backend: result.backend,
    };
  }

  private publishFinal(index: number, final: TranscriptFinalPayload): void {
    this.finals++;
    this.previousText = `${this.previousText} ${final.text}`.slice(-PROMPT_CHARS).trim();
    this.parts.emit('transcript_final', final, true);
    const stored = this.record(final);
    this.translationChain = this.translationChain.then(async () => {
      await stored;
      await this.translate(index, final);
    });
  }

  private async translate(index: number, final: TranscriptFinalPayload): Promise<void> {
    if (final.text === '') return;
    await Promise.all(
      this.settings.targetLanguages.map(async (target) => {
        try {
          const result = await this.parts.engines.translation.translate({
            text: final.text,
            sourceLanguage: final.language === 'und' ? 'auto' : final.language,
            targetLanguage: target,
            sessionId: this.settings.sessionId,
            requestId: final.utterance_id,
          });
          const translation: TranslationFinalPayload = {
            stream_id: this.id,
            utterance_id: final.utterance_id,
            target_lang: target,
            text: final.text,
            translated_text: result.translatedText,
            confidence: result.confidence,
            backend: result.backend,
          };
          // Logged for replay first: the answer says where the client is now, on another instance too.
          const client = await this.parts.registry
            .logTranslation(this.id, index, translation)
            .catch((error: Error) => {
              this.parts.warn(`Stream ${this.id}: translation not logged for replay (${error.message})`);
              return undefined;
            });
          if (client) this.connectionId = client.connectionId;
          this.parts.emit('translation_final', translation, true);
          await this.recordTranslation(final, translation, result.sourceLanguage);
        } catch (error) {
          this.tell('translation_final', final.utterance_id, error, { target_lang: target });
        }
      }),
    );
  }

  private async decode(utterance: Utterance, kind: DecodeKind): Promise<TranscriptionResult> {
    const result = await this.parts.engines.speechToText.transcribe(
      {
        data: pcmWav(utterance.samples),
        format: 'wav',
        contentType: 'audio/wav',
        sampleRate: 16000,
        durationMs: utterance.samples.length / SAMPLES_PER_MS,
      },
      {
        language: this.settings.language,
        prompt: this.previousText || undefined,
        wordTimestamps: kind === 'final',
        sessionId: this.settings.sessionId,
        requestId: `${utteranceId(this.id, utterance.index)}:${kind}`,
      },
    );
    const audioMs = utterance.samples.length / SAMPLES_PER_MS;
    if (audioMs > 0) {
      const rtf = result.processingMs / audioMs;
      this.rtf = this.rtf === 0 ? rtf : this.rtf + RTF_SMOOTHING * (rtf - this.rtf);
      this.parts.metrics.observeRtf(kind, rtf);
    }
    if (kind === 'interim') this.parts.metrics.interimMade();
    return result;
  }

  /** A failure the client must hear about: names the utterance (CONTRACTS §3a: never silently skipped). */
  private tell(
    event: 'transcript_final' | 'translation_final',
    utterance: number | string,
    error: unknown,
    details: Record<string, unknown> = {},
  ): void {
    // Handed over: the new owner decodes this utterance's audio again, so this failure is nobody's concern.
    if (event === 'transcript_final' && this.handedOver) return;
    const known = error as { code?: unknown; message?: unknown };
    this.parts.emit(
      'error',
      {
        code: typeof known.code === 'string' ? known.code : 'STREAM_DECODE_FAILED',
        message: typeof known.message === 'string' ? known.message : String(error),
        event,
        stream_id: this.id,
        utterance_id: typeof utterance === 'number' ? utteranceId(this.id, utterance) : utterance,
        ...details,
      },
      false,
    );
  }

  private async record(final: TranscriptFinalPayload): Promise<void> {
    const sessionId = this.settings.sessionId;
    if (!sessionId) return;
    const seconds = (final.end_ms - final.start_ms) / 1000;
    await this.parts.sessions
      .append(sessionId, {
        kind: 'transcript',
        chunkId: final.utterance_id,
        at: new Date().toISOString(),
        text: final.text,
        language: final.language,
        confidence: final.confidence,
        segments: [{ start: 0, end: seconds, text: final.text }],
        offset: final.start_ms / 1000,
        backend: final.backend,
      })
      .catch((error: Error) =>
        this.parts.warn(`History of ${sessionId} missed ${final.utterance_id}: ${error.message}`),
      );
  }

  /** The history entry is built from the payload logged and sent, so history and replay say the same. */
  private async recordTranslation(
    final: TranscriptFinalPayload,
    translation: TranslationFinalPayload,
    sourceLanguage: string,
  ): Promise<void> {
    const sessionId = this.settings.sessionId;
    if (!sessionId) return;
    await this.parts.sessions
      .append(sessionId, {
        kind: 'translation',
        chunkId: final.utterance_id,
        at: new Date().toISOString(),
        text: translation.text,
        translatedText: translation.translated_text,
        sourceLanguage,
        targetLanguage: translation.target_lang,
        confidence: translation.confidence,
        offset: final.start_ms / 1000,
        duration: (final.end_ms - final.start_ms) / 1000,
        backend: translation.backend,
      })
      .catch((error: Error) =>
        this.parts.warn(`History of ${sessionId} missed a translation: ${error.message}`),
      );
  }
}
