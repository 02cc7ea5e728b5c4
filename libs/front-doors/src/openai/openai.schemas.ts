import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RESPONSE_FORMATS, TIMESTAMP_GRANULARITIES } from './transcription-formats';

/** OpenAI's error object, as its SDKs parse it (they raise by status and read `message`, `param`, `code`). */
export class OpenAiErrorDetailDto {
  @ApiProperty({
    example: "Invalid language 'xx'. Language parameter must be specified in ISO-639-1 format.",
  })
  message: string;

  @ApiProperty({
    enum: ['invalid_request_error', 'requests', 'server_error'],
    description: 'invalid_request_error for 4xx, requests for a 429, server_error for 5xx',
  })
  type: string;

  @ApiProperty({ type: String, nullable: true, example: 'language', description: 'the field at fault' })
  param: string | null;

  @ApiProperty({
    example: 'invalid_value',
    description:
      "OpenAI's code where it has one (invalid_api_key, rate_limit_exceeded, missing_required_parameter, " +
      'unknown_parameter, invalid_file_format, model_not_found…), else ours in lower case',
  })
  code: string;
}

export class OpenAiErrorDto {
  @ApiProperty({ type: OpenAiErrorDetailDto })
  error: OpenAiErrorDetailDto;
}

/** The multipart form of `POST /v1/audio/transcriptions`. */
export class OpenAiTranscriptionFormDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description: 'the audio (flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm)',
  })
  file: unknown;

  @ApiProperty({
    example: 'whisper-1',
    description: "whisper-1 (or '') is the pool's default; another name goes to the engines that serve it",
  })
  model: string;

  @ApiPropertyOptional({ example: 'en', description: 'ISO 639-1' })
  language?: string;

  @ApiPropertyOptional({ description: 'text the engine continues from (names, spelling)' })
  prompt?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0 })
  temperature?: number;

  @ApiPropertyOptional({ enum: RESPONSE_FORMATS, default: 'json' })
  response_format?: string;

  @ApiPropertyOptional({
    name: 'timestamp_granularities[]',
    enum: TIMESTAMP_GRANULARITIES,
    isArray: true,
    description: 'only with response_format=verbose_json',
  })
  timestamp_granularities?: string[];
}

export class OpenAiTranscriptionUsageDto {
  @ApiProperty({ example: 'duration' })
  type: string;

  @ApiProperty({ example: 4 })
  seconds: number;
}

/** `response_format=json` (the default). */
export class OpenAiTranscriptionDto {
  @ApiProperty({ example: 'Hello world' })
  text: string;

  @ApiPropertyOptional({
    type: OpenAiTranscriptionUsageDto,
    description: 'when the engine told the duration',
  })
  usage?: OpenAiTranscriptionUsageDto;
}

export class OpenAiSegmentDto {
  @ApiProperty() id: number;
  @ApiProperty() seek: number;
  @ApiProperty({ description: 'seconds' }) start: number;
  @ApiProperty({ description: 'seconds' }) end: number;
  @ApiProperty() text: string;
  @ApiProperty({ type: [Number] }) tokens: number[];
  @ApiProperty() temperature: number;
  @ApiProperty({ description: 'log of the engine-derived confidence' }) avg_logprob: number;
  @ApiProperty() compression_ratio: number;
  @ApiProperty() no_speech_prob: number;
}

export class OpenAiWordDto {
  @ApiProperty() word: string;
  @ApiProperty({ description: 'seconds' }) start: number;
  @ApiProperty({ description: 'seconds' }) end: number;
}

/** `response_format=verbose_json`. */
export class OpenAiVerboseTranscriptionDto {
  @ApiProperty({ example: 'transcribe' })
  task: string;

  @ApiProperty({ example: 'english', description: "the language's English name in lower case, as OpenAI" })
  language: string;

  @ApiProperty({ description: 'seconds' })
  duration: number;

  @ApiProperty()
  text: string;

  @ApiPropertyOptional({
    type: [OpenAiSegmentDto],
    description: 'unless only word timestamps were asked for',
  })
  segments?: OpenAiSegmentDto[];

  @ApiPropertyOptional({ type: [OpenAiWordDto], description: 'when timestamp_granularities[] has word' })
  words?: OpenAiWordDto[];
}

export class OpenAiModelDto {
  @ApiProperty({ example: 'whisper-1' })
  id: string;

  @ApiProperty({ example: 'model' })
  object: string;

  @ApiProperty({ example: 0, description: 'unknown for engine models, so 0' })
  created: number;

  @ApiProperty({
    example: 'openai@whisper-0,whisper-cpp@whisper-1',
    description: 'the engines serving it (kind@instance), or livetranslate-orchestration for whisper-1',
  })
  owned_by: string;
}

export class OpenAiModelListDto {
  @ApiProperty({ example: 'list' })
  object: string;

  @ApiProperty({ type: [OpenAiModelDto] })
  data: OpenAiModelDto[];
}
