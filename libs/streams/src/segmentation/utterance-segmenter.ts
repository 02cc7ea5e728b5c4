import { SAMPLES_PER_MS, levelDb } from '../audio/pcm';
import { VAD_FRAME_MS, VAD_FRAME_SAMPLES, type SpeechDetector } from '../voice/speech-detector';

export interface SegmenterOptions {
  endSilenceMs: number;
  maxUtteranceMs: number;
  preRollMs: number;
  minSpeechMs: number;
}

export type CloseReason = 'silence' | 'max_length' | 'stop';

/** A stretch of speech, in ms from the stream's first sample, with its 16 kHz audio. */
export interface Utterance {
  index: number;
  startMs: number;
  endMs: number;
  samples: Int16Array;
}

export interface ClosedUtterance extends Utterance {
  reason: CloseReason;
}

/** Where a max-length cut looks for its quietest point: the utterance's last seconds. */
const CUT_SEARCH_MS = 3000;
/** Levels are averaged over this many frames when looking for a pause, so a stop consonant is no pause. */
const CUT_SMOOTHING_FRAMES = 5;
/**
 * An utterance that ends on silence with less speech than this was noise: WebRTC VAD, still adapting to the
 * noise in its first frames, reports a short burst of "speech" at the start of a noisy stream.
 */
const MIN_UTTERANCE_SPEECH_MS = 150;
/** Silence kept after the last speech frame, at most, so that a word's fading end is not clipped. */
const MAX_TAIL_MS = 200;

interface OpenUtterance {
  index: number;
  startSample: number;
  audio: Int16Array;
  length: number;
  levels: number[];
  /** Frame index of the last speech frame, -1 for none. */
  lastSpeech: number;
  speechFrames: number;
}

interface RecentFrame {
  frame: Int16Array;
  speech: boolean;
}

/**
 * Endpointing for one stream on 16 kHz audio in 10 ms frames. Idle, it keeps only the pre-roll and the onset
 * window; an utterance opens when `minSpeechMs` of the last `2 × minSpeechMs` are speech (starting
 * `preRollMs` before the first of them), ends after `endSilenceMs` of silence (keeping a short tail), and at
 * `maxUtteranceMs` is cut at the quietest point of its last seconds, the rest opening the next utterance.
 * Memory is bounded by the longest utterance.
 */
export class UtteranceSegmenter {
  private readonly endSilenceFrames: number;
  private readonly maxFrames: number;
  private readonly preRollFrames: number;
  private readonly minSpeechFrames: number;
  private readonly onsetWindow: number;
  private readonly tailFrames: number;
  private position: number;
  private pending = new Int16Array(0);
  private recent: RecentFrame[] = [];
  private open?: OpenUtterance;
  private nextIndex: number;

  constructor(
    private readonly detector: SpeechDetector,
    options: SegmenterOptions,
    /** A resumed stream continues its clock and its utterance numbering. */
    start: { ms: number; nextIndex: number } = { ms: 0, nextIndex: 0 },
  ) {
    const frames = (ms: number) => Math.max(1, Math.round(ms / VAD_FRAME_MS));
    this.endSilenceFrames = frames(options.endSilenceMs);
    this.maxFrames = frames(options.maxUtteranceMs);
    this.preRollFrames = Math.round(options.preRollMs / VAD_FRAME_MS);
    this.minSpeechFrames = frames(options.minSpeechMs);
    this.onsetWindow = 2 * this.minSpeechFrames;
    this.tailFrames = Math.min(frames(MAX_TAIL_MS), Math.floor(this.endSilenceFrames / 2));
    this.position = Math.round(start.ms * SAMPLES_PER_MS);
    this.nextIndex = start.nextIndex;
  }

  /** Milliseconds of audio judged so far. */
  get positionMs(): number {
    return this.position / SAMPLES_PER_MS;
  }

  /**
   * A number for an utterance that cannot keep its own, above `taken` and every number given so far: a
   * resumed stream whose segmentation came out otherwise than the copy that delivered `taken` before.
   */
  freshIndex(taken: number): number {
    this.nextIndex = Math.max(this.nextIndex, taken + 1);
    return this.nextIndex++;
  }

  /** The open utterance as heard so far (a copy), for interim decodes. */
  current(): Utterance | undefined {
    const open = this.open;
    if (!open) return undefined;
    return {
      index: open.index,
      startMs: open.startSample / SAMPLES_PER_MS,
      endMs: (open.startSample + open.length) / SAMPLES_PER_MS,
      samples: open.audio.slice(0, open.length),
    };
  }

  push(samples: Int16Array): ClosedUtterance[] {
    const closed: ClosedUtterance[] = [];
    let input = samples;
    if (this.pending.length > 0) {
      input = new Int16Array(this.pending.length + samples.length);
      input.set(this.pending);
      input.set(samples, this.pending.length);
    }
    let at = 0;
    for (; at + VAD_FRAME_SAMPLES <= input.length; at += VAD_FRAME_SAMPLES) {
      // A view: the frame is copied only where it is kept (the open utterance, the idle pre-roll).
      const frame = input.subarray(at, at + VAD_FRAME_SAMPLES);
      const utterance = this.judge(frame, this.detector.isSpeech(frame));
      if (utterance) closed.push(...utterance);
    }
    this.pending = input.slice(at);
    return closed;
  }

  /** The stream ends: an open utterance closes with what was heard. */
  flush(): ClosedUtterance[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const end = Math.min(open.length / VAD_FRAME_SAMPLES, open.lastSpeech + 1 + this.tailFrames);
    return [this.close(open, end, 'stop')];
  }

  private judge(frame: Int16Array, speech: boolean): ClosedUtterance[] | undefined {
    const frameStart = this.position;
    this.position += VAD_FRAME_SAMPLES;
    const open = this.open;
    if (!open) {
      this.remember(frame, speech);
      this.openIfOnset(frameStart + VAD_FRAME_SAMPLES);
      return undefined;
    }
    this.append(open, frame, speech);
    const frames = open.length / VAD_FRAME_SAMPLES;
    if (frames - 1 - open.lastSpeech >= this.endSilenceFrames) {
      this.open = undefined;
      const end = open.lastSpeech + 1 + this.tailFrames;
      this.rememberAfter(open, end);
      if (open.speechFrames * VAD_FRAME_MS < MIN_UTTERANCE_SPEECH_MS) {
        // Noise: its number goes to the next utterance, so ids stay consecutive (unless one was taken since).
        if (this.nextIndex === open.index + 1) this.nextIndex = open.index;
        return [];
      }
      return [this.close(open, end, 'silence')];
    }
    if (frames >= this.maxFrames) return [this.cut(open)];
    return undefined;
  }

  private remember(frame: Int16Array, speech: boolean): void {
    this.recent.push({ frame: frame.slice(), speech });
    const keep = this.preRollFrames + this.onsetWindow;
    if (this.recent.length > keep) this.recent.splice(0, this.recent.length - keep);
  }

  /** Frames of a closed utterance after its end are the next one's possible pre-roll. */
  private rememberAfter(open: OpenUtterance, endFrame: number): void {
    this.recent = [];
    for (let f = endFrame; f < open.length / VAD_FRAME_SAMPLES; f++) {
      const frame = open.audio.subarray(f * VAD_FRAME_SAMPLES, (f + 1) * VAD_FRAME_SAMPLES);
      this.remember(frame, false);
    }
  }

  private openIfOnset(endSample: number): void {
    const window = this.recent.slice(-this.onsetWindow);
    if (window.filter((f) => f.speech).length < this.minSpeechFrames) return;
    const firstSpeech = this.recent.length - window.length + window.findIndex((f) => f.speech);
    const from = Math.max(0, firstSpeech - this.preRollFrames);
    const frames = this.recent.slice(from);
    const open: OpenUtterance = {
      index: this.nextIndex++,
      startSample: endSample - frames.length * VAD_FRAME_SAMPLES,
      audio: new Int16Array((this.maxFrames + this.preRollFrames + this.onsetWindow + 1) * VAD_FRAME_SAMPLES),
      length: 0,
      levels: [],
      lastSpeech: -1,
      speechFrames: 0,
    };
    for (const { frame, speech } of frames) this.append(open, frame, speech);
    this.recent = [];
    this.open = open;
  }

  private append(open: OpenUtterance, frame: Int16Array, speech: boolean): void {
    open.audio.set(frame, open.length);
    open.length += frame.length;
    open.levels.push(levelDb(frame));
    if (speech) {
      open.lastSpeech = open.levels.length - 1;
      open.speechFrames++;
    }
  }

  /** At the maximum length: close at the quietest smoothed point of the last seconds, keep the rest open. */
  private cut(open: OpenUtterance): ClosedUtterance {
    const frames = open.levels.length;
    const search = Math.min(Math.round(CUT_SEARCH_MS / VAD_FRAME_MS), Math.floor(frames / 2));
    const half = Math.floor(CUT_SMOOTHING_FRAMES / 2);
    let best = frames - 1;
    let bestLevel = Infinity;
    for (let c = frames - search; c < frames - 1; c++) {
      const window = open.levels.slice(Math.max(0, c - half), c + half + 1);
      const level = window.reduce((sum, l) => sum + l, 0) / window.length;
      if (level < bestLevel) {
        bestLevel = level;
        best = c;
      }
    }
    const result = this.close(open, best, 'max_length');
    const rest: OpenUtterance = {
      index: this.nextIndex++,
      startSample: open.startSample + best * VAD_FRAME_SAMPLES,
      audio: open.audio.copyWithin(0, best * VAD_FRAME_SAMPLES, open.length),
      length: open.length - best * VAD_FRAME_SAMPLES,
      levels: open.levels.slice(best),
      lastSpeech: open.lastSpeech - best,
      // Counted from here on: the rest is judged on its own speech.
      speechFrames: open.lastSpeech >= best ? MIN_UTTERANCE_SPEECH_MS / VAD_FRAME_MS : 0,
    };
    if (rest.lastSpeech < 0) {
      this.nextIndex--;
      this.open = undefined;
      this.rememberAfter(rest, 0);
    } else {
      this.open = rest;
    }
    return result;
  }

  private close(open: OpenUtterance, endFrame: number, reason: CloseReason): ClosedUtterance {
    const length = Math.min(open.length, endFrame * VAD_FRAME_SAMPLES);
    return {
      index: open.index,
      startMs: open.startSample / SAMPLES_PER_MS,
      endMs: (open.startSample + length) / SAMPLES_PER_MS,
      samples: open.audio.slice(0, length),
      reason,
    };
  }
}
