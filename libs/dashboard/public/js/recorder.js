/**
 * Microphone capture for live transcription. MediaRecorder's timeslice chunks are fragments of one WebM
 * stream (only the first carries the header), which a backend cannot decode alone; so a new recorder is
 * started for every chunk and each chunk is a complete, self-contained file.
 *
 * The level meter and the voice-activity indicator come from an AnalyserNode on the same stream.
 */
const CHUNK_MS = 3000;
const SILENCE_FLOOR_DB = -90;

export class MicrophoneRecorder {
  #stream = null;
  #audioContext = null;
  #analyser = null;
  #recorder = null;
  #levelFrame = 0;
  #chunkTimer = 0;
  #chunkIndex = 0;
  #running = false;

  /**
   * onChunk(blob, { index, offsetSeconds, mimeType }); onLevel(db, speech); vadThresholdDb as the pipeline's
   * vad_threshold_db, so "speech" here means what the server will treat as speech.
   */
  constructor({ onChunk, onLevel, vadThresholdDb = -50 }) {
    this.onChunk = onChunk;
    this.onLevel = onLevel;
    this.vadThresholdDb = vadThresholdDb;
  }

  static supported() {
    return Boolean(navigator.mediaDevices?.getUserMedia) && typeof MediaRecorder !== 'undefined';
  }

  get running() {
    return this.#running;
  }

  async start() {
    this.#stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.#running = true;
    this.#chunkIndex = 0;
    this.#audioContext = new AudioContext();
    this.#analyser = this.#audioContext.createAnalyser();
    this.#analyser.fftSize = 2048;
    this.#audioContext.createMediaStreamSource(this.#stream).connect(this.#analyser);
    this.#measure();
    this.#recordChunk();
  }

  stop() {
    this.#running = false;
    clearTimeout(this.#chunkTimer);
    if (this.#recorder?.state === 'recording') this.#recorder.stop();
    cancelAnimationFrame(this.#levelFrame);
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
    void this.#audioContext?.close();
    this.onLevel(SILENCE_FLOOR_DB, false);
  }

  #recordChunk() {
    if (!this.#running) return;
    const mimeType = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'].find((type) =>
      MediaRecorder.isTypeSupported(type),
    );
    const recorder = new MediaRecorder(this.#stream, mimeType ? { mimeType } : undefined);
    const index = this.#chunkIndex++;
    const parts = [];
    recorder.addEventListener('dataavailable', (event) => parts.push(event.data));
    recorder.addEventListener('stop', () => {
      const blob = new Blob(parts, { type: recorder.mimeType });
      if (blob.size > 0)
        this.onChunk(blob, { index, offsetSeconds: (index * CHUNK_MS) / 1000, mimeType: recorder.mimeType });
    });
    recorder.start();
    this.#recorder = recorder;
    this.#chunkTimer = setTimeout(() => {
      recorder.stop();
      this.#recordChunk();
    }, CHUNK_MS);
  }

  #measure() {
    const samples = new Float32Array(this.#analyser.fftSize);
    const tick = () => {
      if (!this.#running) return;
      this.#analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      const db = rms > 0 ? Math.max(SILENCE_FLOOR_DB, 20 * Math.log10(rms)) : SILENCE_FLOOR_DB;
      this.onLevel(db, db > this.vadThresholdDb);
      this.#levelFrame = requestAnimationFrame(tick);
    };
    tick();
  }
}

/** Container format name for the wire (transcription_stream `format`) from a MIME type. */
export function formatOf(mimeType) {
  return /ogg/.test(mimeType) ? 'ogg' : 'webm';
}
