import { energyDetector } from '../voice/energy-detector';
import { UtteranceSegmenter, type ClosedUtterance, type SegmenterOptions } from './utterance-segmenter';

const RATE = 16000;
const OPTIONS: SegmenterOptions = {
  endSilenceMs: 500,
  maxUtteranceMs: 15000,
  preRollMs: 200,
  minSpeechMs: 60,
};

/** Alternating tone (speech for the energy detector) and near-silence, as [kind, ms] pairs. */
function audio(parts: [tone: boolean, ms: number][]): Int16Array {
  const total = parts.reduce((sum, [, ms]) => sum + (ms * RATE) / 1000, 0);
  const samples = new Int16Array(total);
  let at = 0;
  for (const [tone, ms] of parts) {
    const n = (ms * RATE) / 1000;
    for (let i = 0; i < n; i++) {
      samples[at + i] = tone
        ? Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 600 * i) / RATE))
        : (i % 3) - 1;
    }
    at += n;
  }
  return samples;
}

function feed(segmenter: UtteranceSegmenter, samples: Int16Array, frameMs = 20): ClosedUtterance[] {
  const closed: ClosedUtterance[] = [];
  const step = (frameMs * RATE) / 1000;
  for (let at = 0; at < samples.length; at += step)
    closed.push(...segmenter.push(samples.subarray(at, at + step)));
  return closed;
}

describe('UtteranceSegmenter', () => {
  const detector = energyDetector(-45);

  it('closes an utterance after the configured silence, with pre-roll before the onset and a short tail', () => {
    const segmenter = new UtteranceSegmenter(detector, OPTIONS);
    const closed = feed(
      segmenter,
      audio([
        [false, 1000],
        [true, 800],
        [false, 700],
      ]),
    );
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ index: 0, reason: 'silence', startMs: 800 });
    expect(closed[0].endMs).toBeGreaterThanOrEqual(1800);
    expect(closed[0].endMs).toBeLessThanOrEqual(2050);
    expect(closed[0].samples.length).toBe(((closed[0].endMs - closed[0].startMs) * RATE) / 1000);
  });

  it('keeps words separated by short pauses in one utterance and splits at a long pause', () => {
    const segmenter = new UtteranceSegmenter(detector, OPTIONS);
    const closed = feed(
      segmenter,
      audio([
        [true, 300],
        [false, 120],
        [true, 300],
        [false, 150],
        [true, 250],
        [false, 900],
        [true, 400],
        [false, 700],
      ]),
    );
    expect(closed.map((u) => u.index)).toEqual([0, 1]);
    expect(closed[1].startMs).toBeGreaterThanOrEqual(closed[0].endMs);
  });

  it('ignores a blip shorter than the minimum speech', () => {
    const segmenter = new UtteranceSegmenter(detector, OPTIONS);
    expect(
      feed(
        segmenter,
        audio([
          [false, 300],
          [true, 30],
          [false, 1000],
        ]),
      ),
    ).toEqual([]);
    expect(segmenter.current()).toBeUndefined();
  });

  it('cuts a long utterance at its quietest recent point, and the rest opens the next one', () => {
    const segmenter = new UtteranceSegmenter(detector, { ...OPTIONS, maxUtteranceMs: 3000 });
    // Words of 400 ms with 100 ms pauses: no pause is long enough to end the utterance.
    const words: [boolean, number][] = [];
    for (let i = 0; i < 10; i++) words.push([true, 400], [false, 100]);
    const closed = feed(segmenter, audio([...words, [false, 800]]));
    expect(closed.length).toBeGreaterThanOrEqual(2);
    expect(closed[0].reason).toBe('max_length');
    expect(closed[0].endMs - closed[0].startMs).toBeLessThanOrEqual(3000);
    // The cut falls inside a pause: 400 ms words start every 500 ms, so a pause spans [400, 500) mod 500.
    expect(closed[0].endMs % 500).toBeGreaterThanOrEqual(400);
    expect(closed[1].startMs).toBe(closed[0].endMs);
  });

  it('finalises the open utterance on flush', () => {
    const segmenter = new UtteranceSegmenter(detector, OPTIONS);
    expect(
      feed(
        segmenter,
        audio([
          [true, 500],
          [false, 100],
        ]),
      ),
    ).toEqual([]);
    expect(segmenter.current()).toMatchObject({ index: 0, startMs: 0 });
    const flushed = segmenter.flush();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toMatchObject({ index: 0, reason: 'stop', startMs: 0 });
    expect(segmenter.flush()).toEqual([]);
  });

  it('continues the clock and numbering of a resumed stream', () => {
    const segmenter = new UtteranceSegmenter(detector, OPTIONS, { ms: 10000, nextIndex: 7 });
    const closed = feed(
      segmenter,
      audio([
        [false, 300],
        [true, 400],
        [false, 600],
      ]),
    );
    expect(closed[0]).toMatchObject({ index: 7, startMs: 10100 });
  });

  it('hands out a fresh number above those taken, never given again, not even by a noise burst handing its own back', () => {
    const segmenter = new UtteranceSegmenter(detector, OPTIONS, { ms: 0, nextIndex: 3 });
    feed(
      segmenter,
      audio([
        [false, 300],
        [true, 100],
      ]),
    );
    expect(segmenter.current()?.index).toBe(3);
    expect(segmenter.freshIndex(5)).toBe(6);
    const closed = feed(
      segmenter,
      audio([
        [false, 600],
        [true, 400],
        [false, 600],
      ]),
    );
    // The burst was noise (under 150 ms of speech): its number is not handed back over the fresh one.
    expect(closed.map((utterance) => utterance.index)).toEqual([7]);
  });
});
