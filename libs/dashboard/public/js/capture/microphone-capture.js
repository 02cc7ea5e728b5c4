/**
 * The microphone as 16-bit mono PCM frames of FRAME_MS, for a live stream (CONTRACTS §3a).
 *
 * The AudioContext is asked to run at 16 kHz, so the browser's own resampler converts the device's rate and
 * the frames are what speech engines decode; a browser that cannot connect a microphone to a context of
 * another rate gets one at the device rate, and the stream says so in `sample_rate` (the server resamples).
 *
 * Speech engines want the raw signal: echo cancellation, noise suppression and automatic gain change it and
 * cost accuracy, so they are off unless the user says they listen on speakers (then echo cancellation stops
 * the captions from transcribing the loudspeaker).
 */
const WORKLET_URL = '/static/js/capture/pcm-frames.worklet.js';
export const FRAME_MS = 100;
const PREFERRED_RATE = 16000;

export class MicrophoneCapture {
  #stream = null;
  #context = null;
  #node = null;
  #flushed = null;
  sampleRate = 0;

  /** onFrame({ pcm: Int16Array, offsetMs, durationMs, levelDb }): offsets count from the first sample. */
  constructor({ onFrame }) {
    this.onFrame = onFrame;
  }

  static supported() {
    return Boolean(navigator.mediaDevices?.getUserMedia) && typeof AudioWorkletNode !== 'undefined';
  }

  get running() {
    return this.#node !== null;
  }

  /**
   * Rejects with a CaptureError whose `reason` is denied | absent | busy | unsupported. The worklet is loaded
   * before the microphone is opened, so the first words are not spoken into a capture that is still loading.
   */
  async start({ speakers = false } = {}) {
    if (!MicrophoneCapture.supported())
      throw new CaptureError('unsupported', 'This browser cannot capture audio for live captions');
    const processing = Boolean(speakers);
    try {
      await this.#open(new AudioContext({ sampleRate: PREFERRED_RATE }));
      this.#stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          channelCount: 1,
          echoCancellation: processing,
          noiseSuppression: processing,
          autoGainControl: processing,
        },
      });
      await this.#connect();
    } catch (error) {
      this.#release();
      throw error instanceof CaptureError ? error : CaptureError.from(error);
    }
  }

  async #open(context) {
    this.#context = context;
    await context.audioWorklet.addModule(WORKLET_URL);
  }

  async #connect() {
    let source;
    try {
      source = this.#context.createMediaStreamSource(this.#stream);
    } catch {
      // This browser cannot connect a microphone to a context of another rate: use the device's.
      await this.#context.close();
      await this.#open(new AudioContext());
      source = this.#context.createMediaStreamSource(this.#stream);
    }
    this.sampleRate = this.#context.sampleRate;
    const frameSamples = Math.round((this.sampleRate * FRAME_MS) / 1000);
    // No outputs: a node without outputs is processed without being connected to the speakers.
    this.#node = new AudioWorkletNode(this.#context, 'pcm-frames', {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCountMode: 'explicit',
      channelCount: 1,
      processorOptions: { frameSamples },
    });
    let samplesBefore = 0;
    this.#node.port.onmessage = ({ data }) => {
      if (data.flushed) return this.#flushed?.();
      const pcm = new Int16Array(data.pcm);
      const offsetMs = (samplesBefore * 1000) / this.sampleRate;
      samplesBefore += pcm.length;
      this.onFrame({
        pcm,
        offsetMs,
        durationMs: (pcm.length * 1000) / this.sampleRate,
        levelDb: data.levelDb,
      });
    };
    source.connect(this.#node);
    // A context created outside a click may start suspended.
    await this.#context.resume();
  }

  /** Sends what is left of the current frame, then lets go of the microphone. */
  async stop() {
    if (this.#node) {
      const flushed = new Promise((resolve) => (this.#flushed = resolve));
      this.#node.port.postMessage('flush');
      await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, 500))]);
    }
    this.#release();
  }

  #release() {
    this.#node?.port.close();
    this.#node = null;
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    this.#stream = null;
    void this.#context?.close();
    this.#context = null;
  }
}

/** Why the microphone could not be had, as the getUserMedia error names say it. */
export class CaptureError extends Error {
  constructor(reason, message) {
    super(message);
    this.reason = reason;
  }

  static from(error) {
    switch (error?.name) {
      case 'NotAllowedError':
      case 'SecurityError':
        return new CaptureError('denied', error.message || 'Permission denied');
      case 'NotFoundError':
      case 'OverconstrainedError':
        return new CaptureError('absent', error.message || 'No microphone found');
      case 'NotReadableError':
      case 'AbortError':
        return new CaptureError('busy', error.message || 'The microphone could not be opened');
      default:
        return new CaptureError('unsupported', error?.message ?? String(error));
    }
  }
}
