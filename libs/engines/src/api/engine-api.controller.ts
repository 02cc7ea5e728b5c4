import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ENGINES, type Engines, type PoolLanguages } from '../engine.types';
import { TranslateRequestDto, TranslateResponseDto } from './translate.dto';

/**
 * Engine-agnostic REST over whatever engines the pools hold: translation routed by language pair (pivot
 * when needed) and the pairs served. Synchronous transcription (`POST /api/transcribe`) shares the OpenAI
 * front door's streamed upload, so it lives with it (@app/front-doors transcribe/).
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
}
