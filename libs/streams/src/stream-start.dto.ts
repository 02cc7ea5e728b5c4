import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CLIENT_ID_PATTERN, IsOptionalLanguage, IsOptionalTargetLanguages } from '@app/realtime';
import { UTTERANCE_ID_PATTERN } from './utterance-id';

/** The encodings a live stream takes (CONTRACTS §3a); one list, read by validation and docs. */
export const STREAM_ENCODINGS = ['pcm_s16le'] as const;
export const MIN_STREAM_SAMPLE_RATE = 8000;
export const MAX_STREAM_SAMPLE_RATE = 48000;

export class StreamStartDto {
  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN)
  stream_id?: string;

  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN)
  session_id?: string;

  @IsIn(STREAM_ENCODINGS, { message: `encoding must be one of ${STREAM_ENCODINGS.join(', ')}` })
  encoding: (typeof STREAM_ENCODINGS)[number];

  @IsInt()
  @Min(MIN_STREAM_SAMPLE_RATE)
  @Max(MAX_STREAM_SAMPLE_RATE)
  sample_rate: number;

  /** Mono only; optional because it can only be 1. */
  @IsOptional()
  @IsIn([1], { message: 'channels must be 1 (mono)' })
  channels?: number;

  @IsOptionalLanguage()
  language?: string;

  @IsOptionalTargetLanguages()
  target_languages?: string[];

  @IsOptional()
  @IsBoolean()
  interim_results?: boolean;

  /** True when the client resumes a stream it started before: an unknown `stream_id` is then an error. */
  @IsOptional()
  @IsBoolean()
  resume?: boolean;

  /** On a resume, the newest `transcript_final` the client has: later finals and translations are replayed. */
  @IsOptional()
  @IsString()
  @Matches(UTTERANCE_ID_PATTERN, { message: 'last_utterance_id must be an utterance id (<stream_id>#<n>)' })
  last_utterance_id?: string;
}

export class StreamStopDto {
  @IsString()
  @Matches(CLIENT_ID_PATTERN)
  stream_id: string;
}
