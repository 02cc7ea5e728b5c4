import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** LibreTranslate's error body: its clients show `error` as it is. */
export class LibreTranslateErrorDto {
  @ApiProperty({ example: 'Invalid request: missing target parameter' })
  error: string;
}

const TEXTS = { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

/** `POST /translate`, as JSON or form-urlencoded. */
export class LibreTranslateRequestDto {
  @ApiProperty({ ...TEXTS, example: 'Hello world', description: 'a text, or an array of texts (a batch)' })
  q: string | string[];

  @ApiProperty({ example: 'en', description: 'ISO 639-1, or auto to detect it' })
  source: string;

  @ApiProperty({ example: 'es' })
  target: string;

  @ApiPropertyOptional({ enum: ['text', 'html'], default: 'text' })
  format?: string;

  @ApiPropertyOptional({ default: 0, description: 'accepted; every alternatives list is empty' })
  alternatives?: number;

  @ApiPropertyOptional({ description: 'the API key, where keys are configured (or the usual headers)' })
  api_key?: string;
}

export class LibreTranslateDetectionDto {
  @ApiProperty({ example: 92.5, description: '0–100' })
  confidence: number;

  @ApiProperty({ example: 'en' })
  language: string;
}

export class LibreTranslateTranslationDto {
  @ApiProperty({ ...TEXTS, example: 'Hola mundo', description: 'an array when q was one' })
  translatedText: string | string[];

  @ApiPropertyOptional({
    oneOf: [
      { $ref: getSchemaPath(LibreTranslateDetectionDto) },
      { type: 'array', items: { $ref: getSchemaPath(LibreTranslateDetectionDto) } },
    ],
    description: 'with source auto: what was detected (per text for a batch)',
  })
  detectedLanguage?: LibreTranslateDetectionDto | LibreTranslateDetectionDto[];

  @ApiPropertyOptional({ type: [String], description: 'when alternatives was asked for' })
  alternatives?: string[] | string[][];
}

export class LibreTranslateLanguageDto {
  @ApiProperty({ example: 'en' })
  code: string;

  @ApiProperty({ example: 'English' })
  name: string;

  @ApiProperty({ type: [String], example: ['es', 'fr'], description: 'direct or through the pivot language' })
  targets: string[];
}

/** `POST /detect`. */
export class LibreTranslateDetectRequestDto {
  @ApiProperty({ example: 'Hola, ¿cómo estás?' })
  q: string;

  @ApiPropertyOptional()
  api_key?: string;
}
