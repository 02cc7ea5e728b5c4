/**
 * Runs on the audio thread: turns the microphone into 16-bit mono PCM frames of a fixed number of samples
 * (about 100 ms) for a live stream (CONTRACTS §3a). The sample rate is the AudioContext's own, which the
 * page asks to be 16 kHz so the browser's resampler does the conversion; `sampleRate` is the global an
 * AudioWorkletGlobalScope provides.
 *
 * Each frame is posted with its level (dBFS) so the page's meter needs no second analyser, and its buffer is
 * transferred, not copied. A 'flush' message posts what is left of the current frame (stopping mid-frame).
 */
const SILENCE_FLOOR_DB = -90;

class PcmFrames extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.frameSamples = options.processorOptions.frameSamples;
    this.#startFrame();
    this.port.onmessage = ({ data }) => {
      if (data === 'flush') this.#post(true);
    };
  }

  #startFrame() {
    this.frame = new Int16Array(this.frameSamples);
    this.filled = 0;
    this.sumOfSquares = 0;
  }

  /** Channels are averaged: a stereo device still gives one voice. */
  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const length = channels[0].length;
    for (let i = 0; i < length; i++) {
      let sample = 0;
      for (const channel of channels) sample += channel[i];
      sample = Math.max(-1, Math.min(1, sample / channels.length));
      this.frame[this.filled++] = Math.round(sample * 32767);
      this.sumOfSquares += sample * sample;
      if (this.filled === this.frameSamples) this.#post(false);
    }
    return true;
  }

  #post(last) {
    if (this.filled > 0) {
      const pcm = this.filled === this.frameSamples ? this.frame : this.frame.slice(0, this.filled);
      const rms = Math.sqrt(this.sumOfSquares / this.filled);
      const levelDb = rms > 0 ? Math.max(SILENCE_FLOOR_DB, 20 * Math.log10(rms)) : SILENCE_FLOOR_DB;
      this.port.postMessage({ pcm: pcm.buffer, samples: this.filled, levelDb }, [pcm.buffer]);
    }
    if (last) this.port.postMessage({ flushed: true, sampleRate });
    this.#startFrame();
  }
}

registerProcessor('pcm-frames', PcmFrames);
