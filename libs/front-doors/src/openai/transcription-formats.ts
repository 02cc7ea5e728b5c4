import { toSrt, toVtt } from '@app/analytics';
import { languageName, type TranscriptionResult } from '@app/engines';

export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export const TIMESTAMP_GRANULARITIES = ['word', 'segment'] as const;
export type TimestampGranularity = (typeof TIMESTAMP_GRANULARITIES)[number];

/** An answer as OpenAI's API sends it: JSON for json/verbose_json, plain text for text/srt/vtt. */
export interface OpenAiAnswer {
  contentType: string;
  body: string | Record<string, unknown>;
}

const PLAIN = 'text/plain; charset=utf-8';

/**
 * OpenAI's transcription answer in the format asked for, from the normalised transcript of whichever engine
 * did the work. verbose_json follows OpenAI's field list: the language as its lower-case English name,
 * segments with the scores Whisper reports (the normalised transcript keeps only its overall confidence,
 * so `avg_logprob` is its logarithm), `segments` unless only words were asked for, `words` when they were.
 */
export function renderTranscription(
  result: TranscriptionResult,
  format: ResponseFormat,
  granularities: readonly TimestampGranularity[],
): OpenAiAnswer {
  const text = result.text.trim();
  switch (format) {
    case 'text':
      return { contentType: PLAIN, body: `${text}\n` };
    case 'srt':
      return { contentType: PLAIN, body: toSrt(cuesOf(result)) };
    case 'vtt':
      return { contentType: PLAIN, body: toVtt(cuesOf(result)) };
    case 'json':
      return {
        contentType: 'application/json',
        body: {
          text,
          ...(result.duration !== undefined
            ? { usage: { type: 'duration', seconds: Math.ceil(result.duration) } }
            : {}),
        },
      };
    case 'verbose_json': {
      const withSegments = granularities.length === 0 || granularities.includes('segment');
      const avgLogprob = Math.log(Math.max(result.confidence, 1e-6));
      return {
        contentType: 'application/json',
        body: {
          task: 'transcribe',
          language: languageName(result.language).toLowerCase(),
          duration: result.duration ?? result.segments.at(-1)?.end ?? 0,
          text,
          ...(withSegments
            ? {
                segments: result.segments.map((segment, id) => ({
                  id,
                  seek: 0,
                  start: segment.start,
                  end: segment.end,
                  text: segment.text,
                  tokens: [],
                  temperature: 0,
                  avg_logprob: avgLogprob,
                  compression_ratio: 1,
                  no_speech_prob: result.noSpeech ? 1 : 0,
                })),
              }
            : {}),
          ...(granularities.includes('word') ? { words: result.words ?? [] } : {}),
        },
      };
    }
  }
}

/** Subtitle cues: the segments, or one cue for the whole text when the engine gave none. */
function cuesOf(result: TranscriptionResult): { start: number; end: number; text: string }[] {
  if (result.segments.length > 0) return result.segments;
  const text = result.text.trim();
  return text ? [{ start: 0, end: result.duration ?? 0, text }] : [];
}
