import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';
import { MAX_TARGET_LANGUAGES } from '@app/common';

/** Ids chosen by clients end up in logs, room names and Redis keys: short printable tokens only. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** ISO 639-1/3 with an optional region (en, eng, pt-BR), or 'auto' where detection is allowed. */
export const LANGUAGE_PATTERN = /^([a-z]{2,3}(-[A-Za-z]{2,4})?|auto)$/;
export const AUDIO_FORMAT_PATTERN = /^[a-z0-9]{2,10}$/;
export const MAX_TRANSLATION_TEXT = 5000;

/** An optional spoken language field (`language`), as every audio event takes it. */
export const IsOptionalLanguage = (): PropertyDecorator =>
  applyDecorators(IsOptional(), IsString(), Matches(LANGUAGE_PATTERN));

/** An optional `target_languages` list, bounded like on every event that translates. */
export const IsOptionalTargetLanguages = (): PropertyDecorator =>
  applyDecorators(
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_TARGET_LANGUAGES),
    IsString({ each: true }),
    Matches(LANGUAGE_PATTERN, { each: true }),
  );
