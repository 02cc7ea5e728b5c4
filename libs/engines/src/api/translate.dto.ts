import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** ISO 639-1 (optionally with a region, `pt-BR`). */
const LANGUAGE = /^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/;

/** Texts are sentences to paragraphs; a whole document belongs in several calls. */
export const MAX_TEXT_LENGTH = 20_000;

export class TranslateRequestDto {
  @ApiProperty({ example: 'Hello world' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TEXT_LENGTH)
  text: string;

  @ApiPropertyOptional({ example: 'en', description: "ISO 639-1, or 'auto' (the default) to detect it" })
  @IsOptional()
  @IsString()
  @Matches(new RegExp(`${LANGUAGE.source}|^auto$`), {
    message: "source_lang must be an ISO 639-1 code or 'auto'",
  })
  source_lang?: string;

  @ApiProperty({ example: 'es' })
  @IsString()
  @Matches(LANGUAGE, { message: 'target_lang must be an ISO 639-1 code' })
  target_lang: string;
}

export class TranslateResponseDto {
  @ApiProperty({ example: 'Hola mundo' })
  translated_text: string;

  @ApiProperty({ example: 'en' })
  source_lang: string;

  @ApiProperty({ example: 'es' })
  target_lang: string;

  @ApiProperty({ example: 0.92, description: '0..1' })
  confidence: number;

  @ApiProperty({
    example: 'apertium@translation-0',
    description: 'kind@instance; two joined by + after a pivot',
  })
  backend: string;

  @ApiPropertyOptional({ example: 'en', description: 'the pivot language, when the pair went through it' })
  via?: string;

  @ApiPropertyOptional({
    description: 'how an unstated source language was found: { language, confidence, method }',
  })
  detected_language?: { language: string; confidence: number; method: string };
}
