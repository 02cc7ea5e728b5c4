/**
 * One live stream (CONTRACTS §3a) from the client's side: stream_start, binary stream_audio frames with
 * their offset, stream_stop, and the resume after a dropped connection.
 *
 * The audio after the end of the last final is held until a later final (or the server's final_ms) covers
 * it. After an error naming an utterance whose final failed, only the server's final_ms covers audio: a
 * resume starts before that utterance, and its audio is re-sent and decoded again. When the connection comes back, stream_start names the same stream_id; the server answers with
 * resume_from_ms and everything held from there on is sent again, so a reconnect loses nothing and repeats
 * nothing. Frames captured while disconnected are only held, never emitted: Socket.IO would buffer them
 * and deliver them before the resume.
 *
 * Dispatches 'state' { state: live | interrupted | resumed | stopped | failed, resentMs?, error?, lostMs? }.
 */
/** Audio held for a resume is bounded (five minutes); older audio is given up and counted. */
const MAX_HELD_MS = 5 * 60 * 1000;
const STOP_TIMEOUT_MS = 30000;
/**
 * Held frames are re-sent joined up to this length (the contract takes up to 1000 ms): seconds of 100 ms
 * frames at once would be more messages than the per-connection rate limit (50 a second) lets through.
 */
const RESEND_FRAME_MS = 900;

export class LiveStream extends EventTarget {
  #live;
  #held = [];
  #flowing = false;
  #stopping = false;
  #coveredMs = 0;
  /** Utterances whose final failed (an error named them) and has not come yet. */
  #failedFinals = new Set();
  /** The newest final's utterance id: on a resume the server replays the finals after it. */
  #lastUtteranceId;
  #droppedBeforeMs = 0;
  #stopped = null;
  #unsubscribe = [];
  /** The start payload without stream_id, kept for the resume. */
  #options;

  constructor(live, { sessionId, sampleRate, language, targetLanguages = [], interimResults = true }) {
    super();
    this.#live = live;
    this.streamId = newStreamId();
    this.#options = {
      session_id: sessionId,
      encoding: 'pcm_s16le',
      sample_rate: sampleRate,
      channels: 1,
      language: language || 'auto',
      target_languages: targetLanguages,
      interim_results: interimResults,
    };
  }

  /** Resolves once the server accepted the stream; rejects with the server's error (message and code). */
  async start() {
    const reply = await this.#live.request('stream_start', { stream_id: this.streamId, ...this.#options });
    this.streamId = reply.stream_id ?? this.streamId;
    this.#listen();
    this.#flowing = true;
    this.#emitState('live');
  }

  /** A captured frame: { pcm: Int16Array, offsetMs, durationMs }. */
  push(frame) {
    this.#held.push({ offsetMs: frame.offsetMs, endMs: frame.offsetMs + frame.durationMs, pcm: frame.pcm });
    this.#bound();
    if (this.#flowing && !this.#send(frame)) this.#interrupt();
  }

  /** Audio held for a resume, in ms. */
  get heldMs() {
    return this.#held.reduce((sum, frame) => sum + (frame.endMs - frame.offsetMs), 0);
  }

  /** Finishes the stream (speech still open is finalised by the server); resolves with stream_stopped. */
  async stop() {
    this.#stopping = true;
    const stopped = new Promise((resolve) => (this.#stopped = resolve));
    if (this.#flowing) this.#sendStop();
    const result = await Promise.race([
      stopped,
      new Promise((resolve) => setTimeout(() => resolve(null), STOP_TIMEOUT_MS)),
    ]);
    this.#close();
    this.#emitState('stopped', { result });
    return result;
  }

  #listen() {
    const onFinal = (final) => {
      if (final.stream_id !== this.streamId) return;
      this.#lastUtteranceId = final.utterance_id; // finals come in order, replayed ones too
      this.#failedFinals.delete(final.utterance_id);
      if (this.#failedFinals.size === 0) this.#cover(final.end_ms);
    };
    const onError = (error) => {
      if (error?.stream_id === this.streamId && error.event === 'transcript_final' && error.utterance_id) {
        this.#failedFinals.add(error.utterance_id);
      }
    };
    const onStatus = (status) => {
      if (status.stream_id === this.streamId) this.#cover(status.final_ms);
    };
    const onStopped = (stopped) => {
      if (stopped.stream_id === this.streamId) this.#stopped?.(stopped);
    };
    const onState = ({ detail }) => {
      if (detail.state === 'connected') void this.#resume();
      else this.#interrupt();
    };
    this.#live.on('transcript_final', onFinal);
    this.#live.on('stream_status', onStatus);
    this.#live.on('stream_stopped', onStopped);
    this.#live.on('error', onError);
    this.#live.addEventListener('state', onState);
    this.#unsubscribe = [
      () => this.#live.off('transcript_final', onFinal),
      () => this.#live.off('stream_status', onStatus),
      () => this.#live.off('stream_stopped', onStopped),
      () => this.#live.off('error', onError),
      () => this.#live.removeEventListener('state', onState),
    ];
  }

  /** Drops the held frames that end at or before `ms`: a final covers them. */
  #cover(ms) {
    if (typeof ms !== 'number' || ms <= this.#coveredMs) return;
    this.#coveredMs = ms;
    const keepFrom = this.#held.findIndex((frame) => frame.endMs > ms);
    this.#held.splice(0, keepFrom === -1 ? this.#held.length : keepFrom);
  }

  #bound() {
    while (this.#held.length > 1 && this.heldMs > MAX_HELD_MS) {
      this.#droppedBeforeMs = this.#held.shift().endMs;
    }
  }

  #interrupt() {
    if (!this.#flowing) return;
    this.#flowing = false;
    this.#emitState('interrupted');
  }

  async #resume() {
    if (this.#flowing) return;
    let reply;
    try {
      // resume: true, so a stream the server no longer knows is an error rather than a new empty stream.
      reply = await this.#live.request('stream_start', {
        stream_id: this.streamId,
        ...this.#options,
        resume: true,
        ...(this.#lastUtteranceId ? { last_utterance_id: this.#lastUtteranceId } : {}),
      });
    } catch (error) {
      // Lost again before the answer: the next 'connected' tries again. A refusal ends the stream.
      if (this.#live.connected) this.#fail(error);
      return;
    }
    const from = Number(reply.resume_from_ms ?? 0);
    const resend = this.#held.filter((frame) => frame.endMs > from);
    for (const frame of joined(resend)) {
      if (!this.#send(frame)) return; // dropped again: the next 'connected' resumes from the server's word
    }
    this.#flowing = true;
    const resentMs = resend.reduce((sum, frame) => sum + (frame.endMs - Math.max(frame.offsetMs, from)), 0);
    this.#emitState('resumed', { resentMs, lostMs: Math.max(0, this.#droppedBeforeMs - from) });
    if (this.#stopping) this.#sendStop();
  }

  #send(frame) {
    // The frame's own buffer: a slice when the Int16Array is a view of a larger one.
    const { pcm } = frame;
    const audio =
      pcm.byteOffset === 0 && pcm.byteLength === pcm.buffer.byteLength
        ? pcm.buffer
        : pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength);
    return this.#live.emit('stream_audio', { stream_id: this.streamId, offset_ms: frame.offsetMs, audio });
  }

  #sendStop() {
    // Answered once every final and translation is out: { ok, stream_id, audio_ms, finals }.
    this.#live
      .request('stream_stop', { stream_id: this.streamId }, STOP_TIMEOUT_MS)
      .then((reply) => this.#stopped?.(reply))
      .catch((error) => {
        if (this.#live.connected) this.#fail(error);
      });
  }

  #fail(error) {
    this.#flowing = false;
    this.#emitState('failed', { error });
    this.#stopped?.(null);
    this.#close();
  }

  #close() {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#held = [];
  }

  #emitState(state, detail = {}) {
    this.dispatchEvent(new CustomEvent('state', { detail: { state, ...detail } }));
  }
}

/** Consecutive frames joined into frames of at most RESEND_FRAME_MS. */
function joined(frames) {
  const pieces = [];
  for (const frame of frames) {
    const last = pieces.at(-1);
    if (last && Math.abs(last.endMs - frame.offsetMs) < 1 && frame.endMs - last.offsetMs <= RESEND_FRAME_MS) {
      last.pcms.push(frame.pcm);
      last.endMs = frame.endMs;
    } else {
      pieces.push({ offsetMs: frame.offsetMs, endMs: frame.endMs, pcms: [frame.pcm] });
    }
  }
  return pieces.map(({ offsetMs, endMs, pcms }) => {
    const pcm = new Int16Array(pcms.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of pcms) {
      pcm.set(part, at);
      at += part.length;
    }
    return { offsetMs, endMs, pcm };
  });
}

function newStreamId() {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `mic-${random}`;
}
