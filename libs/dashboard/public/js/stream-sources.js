/**
 * Audio for the test page's live stream: tone speech generated here, or a WAV file, as 16-bit mono PCM.
 *
 * Tone speech as CONTRACTS §6 describes it: word i of the vocabulary is a sine at 400 + 50·i Hz, amplitude
 * 0.3, with 10 ms ramps, words 50–150 ms apart and sentences 0.5–1.2 s apart, over a -60 dBFS noise floor.
 * Every word lasts 520 ms, the longest nominal length: a tone-speech engine hears a burst at least as long as
 * its word clearly, so the page needs neither the vocabulary nor its length table, only the word indices.
 */
const VOCABULARY_SIZE = 40;
const WORD_MS = 520;
const RAMP_MS = 10;
const AMPLITUDE = 0.3;
const NOISE_DBFS = -60;

/**
 * { pcm: Int16Array, sampleRate, words: [{ index, hz, startMs, endMs }], sentences: number[][] (indices) };
 * new words every time, and the page shows which were played.
 */
export function toneSpeech({ sentences = 3, sampleRate = 16000 } = {}) {
  const random = Math.random;
  const between = (min, max) => min + Math.floor(random() * (max - min + 1));
  const script = Array.from({ length: sentences }, () =>
    Array.from({ length: between(3, 6) }, () => between(0, VOCABULARY_SIZE - 1)),
  );
  const words = [];
  let cursor = 300;
  script.forEach((sentence, s) => {
    if (s > 0) cursor += between(500, 1200);
    sentence.forEach((index, w) => {
      if (w > 0) cursor += between(50, 150);
      words.push({ index, hz: 400 + 50 * index, startMs: cursor, endMs: cursor + WORD_MS });
      cursor += WORD_MS;
    });
  });
  const audio = new Float32Array(Math.round(((cursor + 1000) * sampleRate) / 1000));
  const noisePeak = Math.sqrt(3) * 10 ** (NOISE_DBFS / 20);
  for (let i = 0; i < audio.length; i++) audio[i] = noisePeak * (2 * random() - 1);
  const ramp = (RAMP_MS * sampleRate) / 1000;
  for (const word of words) {
    const start = Math.round((word.startMs * sampleRate) / 1000);
    const length = Math.round((WORD_MS * sampleRate) / 1000);
    for (let i = 0; i < length; i++) {
      const envelope = Math.min(1, i / ramp, (length - 1 - i) / ramp);
      audio[start + i] += AMPLITUDE * envelope * Math.sin((2 * Math.PI * word.hz * i) / sampleRate);
    }
  }
  const pcm = Int16Array.from(audio, (value) => Math.round(Math.max(-1, Math.min(1, value)) * 32767));
  return { pcm, sampleRate, words, sentences: script };
}

/**
 * A WAV file's samples as 16-bit mono (channels averaged). Only 16-bit PCM is accepted: that is what a live
 * stream carries, and anything else is named in the error.
 */
export function wavPcm(buffer) {
  const view = new DataView(buffer);
  const text = (offset) => String.fromCharCode(...new Uint8Array(buffer, offset, 4));
  if (buffer.byteLength < 12 || text(0) !== 'RIFF' || text(8) !== 'WAVE')
    throw new Error('not a WAV file (no RIFF/WAVE header)');
  let format = null;
  for (let offset = 12; offset + 8 <= buffer.byteLength;) {
    const id = text(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = {
        code: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('the WAV file has no fmt chunk before its data');
      if (format.code !== 1 || format.bits !== 16)
        throw new Error(
          `only 16-bit PCM WAV can be streamed (this one: format ${format.code}, ${format.bits} bits)`,
        );
      const frames = Math.floor(Math.min(size, buffer.byteLength - body) / (2 * format.channels));
      const pcm = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < format.channels; c++)
          sum += view.getInt16(body + (i * format.channels + c) * 2, true);
        pcm[i] = Math.round(sum / format.channels);
      }
      return { pcm, sampleRate: format.sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('the WAV file has no data chunk');
}
