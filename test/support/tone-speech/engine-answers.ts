import type { HeardWord, ToneTranscript } from './decode';

/** The engine kinds of CONTRACTS §4 that the tone-speech engine can stand in for. */
export type ToneEngineKind = 'openai' | 'whisper-cpp';

/** A pause this long (seconds) starts a new segment, as Whisper's segments follow phrases. */
const SEGMENT_PAUSE_S = 0.3;

/** whisper.cpp reports the language by its full English name. */
const LANGUAGE_NAMES: Record<string, string> = {
  en: 'english',
  es: 'spanish',
  fr: 'french',
  de: 'german',
  it: 'italian',
  pt: 'portuguese',
};

function phrases(words: HeardWord[]): HeardWord[][] {
  const groups: HeardWord[][] = [];
  for (const word of words) {
    const last = groups.at(-1);
    if (last && word.start - last[last.length - 1].end < SEGMENT_PAUSE_S) last.push(word);
    else groups.push([word]);
  }
  return groups;
}

/** Mean log-probability of a phrase's words: a cut word lowers it, as an unsure token does in Whisper. */
function averageLogprob(words: HeardWord[]): number {
  return words.reduce((sum, word) => sum + Math.log(word.probability), 0) / words.length;
}

/** Whisper-style text: each phrase with a leading space. */
const phraseText = (words: HeardWord[]) => ` ${words.map((w) => w.word).join(' ')}`;

export interface AnswerRequest {
  responseFormat: string;
  /** ISO 639-1 as asked; undefined or 'auto' for detection (tone speech is English). */
  language?: string;
  wordTimestamps: boolean;
}

/** The body an OpenAI-compatible server answers with (CONTRACTS §4); a string for `text`. */
export function openAiAnswer(transcript: ToneTranscript, durationS: number, request: AnswerRequest): unknown {
  if (request.responseFormat === 'text') return transcript.text;
  if (request.responseFormat !== 'verbose_json') return { text: transcript.text };
  const segments = phrases(transcript.words).map((words, id) => ({
    id,
    seek: 0,
    start: words[0].start,
    end: words[words.length - 1].end,
    text: phraseText(words),
    tokens: [],
    temperature: 0,
    avg_logprob: averageLogprob(words),
    compression_ratio: 1,
    no_speech_prob: 0.01,
  }));
  return {
    task: 'transcribe',
    language: spokenLanguage(request.language),
    duration: durationS,
    text: transcript.text,
    segments,
    ...(request.wordTimestamps
      ? { words: transcript.words.map(({ word, start, end }) => ({ word, start, end })) }
      : {}),
  };
}

/** The body whisper.cpp's server answers with (CONTRACTS §4); a string for `text`. */
export function whisperCppAnswer(
  transcript: ToneTranscript,
  durationS: number,
  request: AnswerRequest,
): unknown {
  const groups = phrases(transcript.words);
  const text = groups.map(phraseText).join('');
  if (request.responseFormat === 'text') return text;
  if (request.responseFormat !== 'verbose_json') return { text };
  const code = spokenLanguage(request.language);
  return {
    task: 'transcribe',
    language: LANGUAGE_NAMES[code] ?? code,
    duration: durationS,
    text,
    segments: groups.map((words, id) => ({
      id,
      text: phraseText(words),
      start: words[0].start,
      end: words[words.length - 1].end,
      tokens: [],
      words: words.map(({ word, start, end, probability }) => ({
        word: ` ${word}`,
        start,
        end,
        probability,
      })),
      temperature: 0,
      avg_logprob: averageLogprob(words),
      no_speech_prob: 0.01,
    })),
  };
}

function spokenLanguage(requested: string | undefined): string {
  return requested && requested !== 'auto' ? requested : 'en';
}
