import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import {
  AUDIO_FORMAT_PATTERN,
  CLIENT_ID_PATTERN,
  IsOptionalLanguage,
  IsOptionalTargetLanguages,
  LANGUAGE_PATTERN,
  MAX_TRANSLATION_TEXT,
} from './wire-patterns';

/**
 * The fields of an audio chunk other than `audio_data`, which is binary or base64 and checked on its own
 * (class-transformer would turn a Buffer into a plain object).
 */
export class AudioChunkDto {
  @IsString()
  @Matches(AUDIO_FORMAT_PATTERN, { message: 'format must be a short audio format name such as wav or webm' })
  format: string;

  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN)
  chunk_id?: string;

  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN)
  session_id?: string;
}

export class TranscriptionStreamDto extends AudioChunkDto {
  @IsOptional()
  @IsInt()
  @Min(8000)
  @Max(192000)
  sample_rate?: number;

  @IsOptionalLanguage()
  language?: string;

  @IsOptionalTargetLanguages()
  target_languages?: string[];
}

export class SpeakerStreamDto extends AudioChunkDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  min_speakers?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  max_speakers?: number;
}

export class TranslationStreamDto {
  @IsString()
  @MinLength(1, { message: 'text must not be empty' })
  @MaxLength(MAX_TRANSLATION_TEXT)
  text: string;

  @IsString()
  @Matches(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, { message: 'target_lang must be a language code such as es' })
  target_lang: string;

  @IsOptional()
  @IsString()
  @Matches(LANGUAGE_PATTERN)
  source_lang?: string;

  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN)
  request_id?: string;

  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN)
  session_id?: string;
}
