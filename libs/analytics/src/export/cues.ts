import type { SpeakerSegment } from '@app/engines';
import type { SessionEntry } from '@app/session';

/** One timed line of an export; times in seconds from the session's start. */
export interface Cue {
  start: number;
  end: number;
  text: string;
  speaker?: string;
}

type TranscriptEntry = Extract<SessionEntry, { kind: 'transcript' }>;
type TranslationEntry = Extract<SessionEntry, { kind: 'translation' }>;

/** Speech runs at about 2.5 words a second; used when an engine gave no segment timing. */
const WORDS_PER_SECOND = 2.5;
const MIN_CUE_SECONDS = 1;
const MAX_CUE_SECONDS = 10;

function estimatedSeconds(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.min(MAX_CUE_SECONDS, Math.max(MIN_CUE_SECONDS, words / WORDS_PER_SECOND));
}

function overlap(aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  return Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));
}

/** The diarised speaker who talks longest within [start, end] (absolute seconds), if any. */
function dominantSpeaker(turns: SpeakerSegment[], start: number, end: number): string | undefined {
  let best: { speaker: string; seconds: number } | undefined;
  for (const turn of turns) {
    const seconds = overlap(start, end, turn.start, turn.end);
    if (seconds > 0 && (!best || seconds > best.seconds)) best = { speaker: turn.speaker, seconds };
  }
  return best?.speaker;
}

/**
 * Speaker turns per chunk, in session time: from `speakers` entries (diarisation) and from transcript
 * segments that already name their speaker, so a translation can inherit the speaker of its chunk.
 */
function speakerTurnsByChunk(history: SessionEntry[]): Map<string, SpeakerSegment[]> {
  const turns = new Map<string, SpeakerSegment[]>();
  for (const entry of history) {
    if (entry.kind === 'translation') continue;
    const named: SpeakerSegment[] =
      entry.kind === 'speakers'
        ? entry.segments
        : entry.segments.flatMap((s) =>
            s.speaker ? [{ speaker: s.speaker, start: s.start, end: s.end }] : [],
          );
    const absolute = named.map((s) => ({ ...s, start: entry.offset + s.start, end: entry.offset + s.end }));
    turns.set(entry.chunkId, [...(turns.get(entry.chunkId) ?? []), ...absolute]);
  }
  return turns;
}

/**
 * Orders cues by start, drops empty ones, and makes every end later than its start; an end that had to be
 * guessed stops where the next cue starts, so estimated cues do not pile up on screen.
 */
function normalise(cues: (Cue & { estimated: boolean })[]): Cue[] {
  const sorted = cues.filter((cue) => cue.text.trim() !== '').sort((a, b) => a.start - b.start);
  return sorted.map(({ estimated, ...cue }, index) => {
    const next = sorted[index + 1];
    let end = cue.end;
    if (estimated && next && next.start > cue.start) end = Math.min(end, next.start);
    if (end <= cue.start) end = cue.start + MIN_CUE_SECONDS;
    return { ...cue, start: Math.max(0, cue.start), text: cue.text.trim(), end };
  });
}

/** The transcript: one cue per engine segment, or per chunk where the engine gave no segments. */
export function transcriptCues(history: SessionEntry[]): Cue[] {
  const turns = speakerTurnsByChunk(history);
  const cues: (Cue & { estimated: boolean })[] = [];
  for (const entry of history.filter((e): e is TranscriptEntry => e.kind === 'transcript')) {
    const chunkTurns = turns.get(entry.chunkId) ?? [];
    if (entry.segments.length === 0) {
      const start = entry.offset;
      const end = start + estimatedSeconds(entry.text);
      cues.push({
        start,
        end,
        text: entry.text,
        speaker: dominantSpeaker(chunkTurns, start, end),
        estimated: true,
      });
      continue;
    }
    for (const segment of entry.segments) {
      const start = entry.offset + segment.start;
      const end = entry.offset + segment.end;
      const speaker = segment.speaker ?? dominantSpeaker(chunkTurns, start, end);
      cues.push({ start, end, text: segment.text, speaker, estimated: false });
    }
  }
  return normalise(cues);
}

/** One translation: a cue per translated chunk, spanning the chunk's audio. */
export function translationCues(history: SessionEntry[], language: string): Cue[] {
  const turns = speakerTurnsByChunk(history);
  const cues = history
    .filter((e): e is TranslationEntry => e.kind === 'translation' && e.targetLanguage === language)
    .map((entry) => {
      const start = entry.offset;
      const estimated = entry.duration === undefined || entry.duration <= 0;
      const end = start + (estimated ? estimatedSeconds(entry.translatedText) : entry.duration!);
      const speaker = dominantSpeaker(turns.get(entry.chunkId) ?? [], start, end);
      return { start, end, text: entry.translatedText, speaker, estimated };
    });
  return normalise(cues);
}

/** Target languages that have at least one translation in the history. */
export function translationLanguages(history: SessionEntry[]): string[] {
  const languages = new Set<string>();
  for (const entry of history) if (entry.kind === 'translation') languages.add(entry.targetLanguage);
  return [...languages].sort();
}
