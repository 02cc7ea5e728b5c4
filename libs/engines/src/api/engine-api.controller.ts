import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { ApiError, ValidationFailedError, flattenValidationErrors, readMultipartUpload } from '@app/common';
import { ENGINES, type Engines, type PoolLanguages, type TranscriptionResult } from '../engine.types';
import { TranscribeFieldsDto } from './transcribe.dto';
import { uploadedAudio } from './uploaded-audio';
import { TranslateRequestDto, TranslateResponseDto } from './translate.dto';

/**
 * Engine-agnostic REST over whatever engines the pools hold: translation routed by language pair (pivot
 * when needed), the pairs served, and synchronous transcription with segments and, when asked, words.
 */
@ApiTags('engines')
@Controller('api')
export class EngineApiController {
  constructor(@Inject(ENGINES) private readonly engines: Engines) {}

  @Post('translate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Translate a text with whichever engine serves the pair (or by pivot)' })
  @ApiOkResponse({ type: TranslateResponseDto })
  async translate(
    @Body() body: TranslateRequestDto,
    @Req() request: FastifyRequest,
  ): Promise<TranslateResponseDto> {
    const result = await this.engines.translation.translate({
      text: body.text,
      sourceLanguage: body.source_lang ?? 'auto',
      targetLanguage: body.target_lang,
      requestId: String(request.id),
    });
    return {
      translated_text: result.translatedText,
      source_lang: result.sourceLanguage,
      target_lang: result.targetLanguage,
      confidence: result.confidence,
      backend: result.backend,
      ...(result.via ? { via: result.via } : {}),
      ...(result.detectedLanguage ? { detected_language: result.detectedLanguage } : {}),
    };
  }

  @Get('languages')
  @ApiOperation({ summary: 'The languages and pairs the translation pool serves, directly or by pivot' })
  async languages(): Promise<Record<string, unknown>> {
    const catalogue: PoolLanguages = await this.engines.translation.catalogue();
    return {
      pivot_language: catalogue.pivotLanguage,
      languages: catalogue.languages,
      pairs: catalogue.pairs,
    };
  }

  @Post('transcribe')
  @HttpCode(HttpStatus.OK)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Transcribe an audio file now, with whichever speech-to-text engine is available',
  })
  async transcribe(@Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    if (!request.isMultipart()) {
      throw new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'NOT_MULTIPART',
        'Send multipart/form-data with the audio in "file"',
      );
    }
    const { fields, file } = await readMultipartUpload(request);
    const dto = plainToInstance(TranscribeFieldsDto, fields);
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw new ValidationFailedError(flattenValidationErrors(errors));
    if (!file || file.data.length === 0) {
      throw new ValidationFailedError([
        { field: 'file', message: 'an audio file is required in field "file"' },
      ]);
    }
    const wordTimestamps = dto.word_timestamps === 'true' || dto.word_timestamps === '1';
    const result = await this.engines.speechToText.transcribe(uploadedAudio(file), {
      language: dto.language === 'auto' ? undefined : dto.language,
      model: dto.model,
      wordTimestamps,
      requestId: String(request.id),
    });
    return transcriptBody(result, wordTimestamps);
  }
}

function transcriptBody(result: TranscriptionResult, wordTimestamps: boolean): Record<string, unknown> {
  return {
    text: result.text,
    language: result.language,
    segments: result.segments,
    ...(wordTimestamps ? { words: result.words ?? [] } : {}),
    confidence: result.confidence,
    backend: result.backend,
    ...(result.duration !== undefined ? { duration: result.duration } : {}),
  };
}
