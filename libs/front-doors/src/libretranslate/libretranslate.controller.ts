import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  ENGINES,
  identifyLanguages,
  type Engines,
  type PoolLanguages,
  type TranslationResult,
} from '@app/engines';
import { BodyApiKeyGuard } from '@app/security';
import { ApiErrorResponses, GATE_AND_ENGINE_ERRORS } from '../error-responses';
import { translateHtml } from './html-text';
import { invalidRequest, readDetectRequest, readTranslateRequest } from './libretranslate-request';
import {
  LibreTranslateDetectRequestDto,
  LibreTranslateDetectionDto,
  LibreTranslateErrorDto,
  LibreTranslateLanguageDto,
  LibreTranslateRequestDto,
  LibreTranslateTranslationDto,
} from './libretranslate.schemas';

interface DetectedLanguage {
  /** 0–100, as LibreTranslate reports it. */
  confidence: number;
  language: string;
}

const percent = (confidence: number) => Math.round(confidence * 1000) / 10;

/**
 * LibreTranslate's API over the translation pool, so that LibreTranslate's clients (its web page, the
 * `libretranslate` Python and JS packages, apps that call it) work unchanged, with pairs served by any mix of
 * engines, by pivot where no engine serves a pair directly. JSON or form-urlencoded bodies; `api_key` in
 * the body or query as LibreTranslate takes it (or the usual headers); errors as `{ error: "..." }`.
 */
@ApiTags('libretranslate-compatible')
@ApiErrorResponses(LibreTranslateErrorDto, GATE_AND_ENGINE_ERRORS)
@Controller()
export class LibreTranslateController {
  constructor(@Inject(ENGINES) private readonly engines: Engines) {}

  @Post('translate')
  @HttpCode(HttpStatus.OK)
  @UseGuards(BodyApiKeyGuard)
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'LibreTranslate-compatible translation (q string or array, source incl. auto)' })
  @ApiBody({ type: LibreTranslateRequestDto })
  @ApiOkResponse({ type: LibreTranslateTranslationDto })
  @ApiErrorResponses(LibreTranslateErrorDto, {
    400: 'a parameter is missing or invalid, or a language or pair is not served (the message names it)',
  })
  async translate(@Body() body: unknown, @Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    const asked = readTranslateRequest(body);
    const catalogue = await this.engines.translation.catalogue();
    const source = asked.source === 'auto' ? 'auto' : this.served(catalogue, asked.source, 'source');
    const target = this.served(catalogue, asked.target, 'target');
    const texts = Array.isArray(asked.q) ? asked.q : [asked.q];
    const results = await Promise.all(
      texts.map(async (text) => {
        let result: TranslationResult | undefined;
        const translateText = async (part: string) => {
          result = await this.engines.translation.translate({
            text: part,
            sourceLanguage: source,
            targetLanguage: target,
            requestId: String(request.id),
          });
          return result.translatedText;
        };
        const translatedText =
          asked.format === 'html' ? await translateHtml(text, translateText) : await translateText(text);
        return { translatedText, result };
      }),
    );
    const detected = results.map(({ result }) => detectedOf(result));
    const alternatives = texts.map((): string[] => []);
    return Array.isArray(asked.q)
      ? {
          translatedText: results.map((r) => r.translatedText),
          ...(source === 'auto' ? { detectedLanguage: detected } : {}),
          ...(asked.alternatives > 0 ? { alternatives } : {}),
        }
      : {
          translatedText: results[0].translatedText,
          ...(source === 'auto' ? { detectedLanguage: detected[0] } : {}),
          ...(asked.alternatives > 0 ? { alternatives: alternatives[0] } : {}),
        };
  }

  @Get('languages')
  @ApiOperation({ summary: 'LibreTranslate-compatible language list: code, name, targets (direct or pivot)' })
  @ApiOkResponse({ type: [LibreTranslateLanguageDto] })
  async languages(): Promise<{ code: string; name: string; targets: string[] }[]> {
    const catalogue = await this.engines.translation.catalogue();
    return catalogue.languages.map(({ code, name, targets }) => ({ code, name, targets: targets ?? [] }));
  }

  @Post('detect')
  @HttpCode(HttpStatus.OK)
  @UseGuards(BodyApiKeyGuard)
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'LibreTranslate-compatible language detection among the languages served' })
  @ApiBody({ type: LibreTranslateDetectRequestDto })
  @ApiOkResponse({ type: [LibreTranslateDetectionDto] })
  @ApiErrorResponses(LibreTranslateErrorDto, { 400: 'q is missing or not a string' })
  async detect(@Body() body: unknown): Promise<DetectedLanguage[]> {
    const text = readDetectRequest(body);
    const catalogue = await this.engines.translation.catalogue();
    const candidates = catalogue.languages.map((language) => language.code);
    const found = await identifyLanguages(text, candidates.length > 0 ? candidates : undefined);
    // LibreTranslate always answers with at least one guess; with nothing identified, a 0-confidence one.
    if (found.length === 0) return [{ confidence: 0, language: catalogue.pivotLanguage }];
    return found.map(({ language, confidence }) => ({ confidence: percent(confidence), language }));
  }

  /** A language the pool translates from (source) or into (target), refused as LibreTranslate does. */
  private served(catalogue: PoolLanguages, code: string, param: 'source' | 'target'): string {
    const known = catalogue.languages.map((language) => language.code);
    if (known.length > 0 && !known.includes(code)) {
      throw invalidRequest(param, `${code} is not supported (${param}); available: ${known.join(', ')}`);
    }
    return code;
  }
}

/** LibreTranslate's `detectedLanguage` for a translation asked with `source: auto`. */
function detectedOf(result: TranslationResult | undefined): DetectedLanguage {
  const detected = result?.detectedLanguage;
  if (detected) return { confidence: percent(detected.confidence), language: detected.language };
  return { confidence: 0, language: result?.sourceLanguage ?? 'auto' };
}
