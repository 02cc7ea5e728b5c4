import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MAX_TARGET_LANGUAGES } from '@app/common';

const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;

/** Application settings as clients send them (every field optional on update). */
export class SettingsDto {
  @ApiPropertyOptional({ example: ['es', 'fr'], description: 'ISO 639-1 codes translated by default' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TARGET_LANGUAGES)
  @Matches(LANGUAGE_CODE, { each: true, message: 'each language must be an ISO 639-1 code such as "es"' })
  default_target_languages?: string[];

  @ApiPropertyOptional({ example: 'auto' })
  @IsOptional()
  @Matches(/^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$/, { message: 'must be "auto" or an ISO 639-1 code' })
  default_source_language?: string;

  @ApiPropertyOptional({ example: 'whisper-base' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  default_whisper_model?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enable_diarization?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enable_vad?: boolean;

  @ApiPropertyOptional({ description: 'Translate every transcript into the default target languages' })
  @IsOptional()
  @IsBoolean()
  auto_translate?: boolean;
}

export type Settings = Required<SettingsDto>;

export const DEFAULT_SETTINGS: Settings = {
  default_target_languages: ['es'],
  default_source_language: 'auto',
  default_whisper_model: 'whisper-base',
  enable_diarization: false,
  enable_vad: true,
  auto_translate: true,
};
