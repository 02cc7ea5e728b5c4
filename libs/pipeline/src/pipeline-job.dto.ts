import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsBase64, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;

/** Multipart fields arrive as text; "true"/"1"/"yes" mean true. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  return ['true', '1', 'yes', 'on'].includes(value.toLowerCase())
    ? true
    : ['false', '0', 'no', 'off', ''].includes(value.toLowerCase())
      ? false
      : value;
}

/** "es, fr" → ['es', 'fr']; a JSON array is taken as is. */
function toLanguageList({ value }: { value: unknown }): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean)
    : value;
}

/** The fields of POST /api/pipeline/jobs, in multipart or in JSON (where `audio_data` carries the audio). */
export class PipelineJobDto {
  @ApiPropertyOptional({ description: 'Base64 audio (JSON requests only)' })
  @IsOptional()
  @IsBase64()
  audio_data?: string;

  @ApiPropertyOptional({
    example: 'wav',
    description: 'Informational: the format is detected from the bytes (WAV, MP3, WebM, OGG, FLAC)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  format?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, {
    message: 'session_id may hold letters, digits and . _ : - (at most 128)',
  })
  session_id?: string;

  @ApiPropertyOptional({
    description: 'Idempotency key: a re-sent chunk id within a session is not processed twice',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  chunk_id?: string;

  @ApiPropertyOptional({ example: 'en' })
  @IsOptional()
  @Matches(/^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$/, {
    message: 'language must be "auto" or an ISO 639-1 code',
  })
  language?: string;

  @ApiPropertyOptional({ example: 'es,fr', description: 'Comma-separated ISO 639-1 codes (or a JSON array)' })
  @IsOptional()
  @Transform(toLanguageList)
  @Matches(LANGUAGE, { each: true, message: 'each target language must be an ISO 639-1 code such as "es"' })
  target_languages?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  diarize?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsInt()
  @Min(1000)
  sample_rate?: number;
}
