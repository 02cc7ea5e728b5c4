import { Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@app/common';
import { DEFAULT_MODEL_ALIAS, ENGINES, type Engines, type PoolModel } from '@app/engines';
import { ApiErrorResponses, GATE_AND_ENGINE_ERRORS } from '../error-responses';
import {
  OpenAiErrorDto,
  OpenAiModelDto,
  OpenAiModelListDto,
  OpenAiTranscriptionDto,
  OpenAiTranscriptionFormDto,
  OpenAiVerboseTranscriptionDto,
} from './openai.schemas';
import { renderTranscription } from './transcription-formats';
import { StreamedTranscriber } from '../upload/streamed-transcriber';
import { OPENAI_TRANSCRIPTION } from './transcription-request';

/** OpenAI's model object; `created` is unknown for engines' models, so 0. */
function modelObject(id: string, ownedBy: string): Record<string, unknown> {
  return { id, object: 'model', created: 0, owned_by: ownedBy };
}

/**
 * OpenAI's speech-to-text API over the speech-to-text pool, so that the official SDKs (baseURL = the
 * orchestrator's `/v1`) and anything else written for OpenAI work unchanged, whatever engines do the work.
 * Errors come in OpenAI's shape (`{ error: { message, type, param, code } }`, see @app/common front-doors).
 * Models: `whisper-1` (what the SDKs send) means the pool's default (any instance, its own model); any other
 * name goes to the instances that serve it (pooled-speech-to-text.engine.ts), an unknown one is a 404.
 */
@ApiTags('openai-compatible')
@ApiBearerAuth()
@ApiExtraModels(OpenAiTranscriptionDto, OpenAiVerboseTranscriptionDto)
@ApiErrorResponses(OpenAiErrorDto, GATE_AND_ENGINE_ERRORS)
@Controller('v1')
export class OpenAiController {
  constructor(
    @Inject(ENGINES) private readonly engines: Engines,
    private readonly transcriber: StreamedTranscriber,
  ) {}

  @Post('audio/transcriptions')
  @HttpCode(HttpStatus.OK)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      'OpenAI-compatible transcription (file, model, language, prompt, response_format, timestamp_granularities[])',
  })
  @ApiBody({ type: OpenAiTranscriptionFormDto })
  @ApiOkResponse({
    description: 'json or verbose_json as JSON; text, srt and vtt as plain text',
    content: {
      'application/json': {
        schema: {
          oneOf: [
            { $ref: getSchemaPath(OpenAiTranscriptionDto) },
            { $ref: getSchemaPath(OpenAiVerboseTranscriptionDto) },
          ],
        },
      },
      'text/plain': { schema: { type: 'string' } },
    },
  })
  @ApiErrorResponses(OpenAiErrorDto, {
    400: 'a field is missing or invalid, or unknown (named in error.param)',
    404: 'no engine serves the model asked for (error.param: model)',
    413: 'the file is larger or longer than allowed (error.param: file)',
  })
  async transcribe(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!request.isMultipart()) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        'INVALID_REQUEST',
        'The request must be multipart/form-data with the audio in "file"',
        { param: 'file' },
      );
    }
    const { asked, result } = await this.transcriber.transcribe(request, OPENAI_TRANSCRIPTION);
    const answer = renderTranscription(result, asked.responseFormat, asked.granularities);
    await reply
      .header('content-type', answer.contentType)
      .header('openai-processing-ms', String(Math.round(result.processingMs)))
      .header('x-backend', result.backend)
      .send(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  }

  @Get('models')
  @ApiOperation({ summary: 'OpenAI-compatible model list: whisper-1 (the default) and every engine model' })
  @ApiOkResponse({ type: OpenAiModelListDto })
  async models(): Promise<Record<string, unknown>> {
    return { object: 'list', data: (await this.modelList()).map((m) => modelObject(m.id, ownerOf(m))) };
  }

  @Get('models/:model')
  @ApiOperation({ summary: 'One model of the list' })
  @ApiOkResponse({ type: OpenAiModelDto })
  @ApiErrorResponses(OpenAiErrorDto, { 404: 'no such model (error.code: model_not_found)' })
  async model(@Param('model') id: string): Promise<Record<string, unknown>> {
    const found = (await this.modelList()).find((entry) => entry.id === id);
    if (!found) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'MODEL_NOT_FOUND', `The model '${id}' does not exist`, {
        param: 'model',
      });
    }
    return modelObject(found.id, ownerOf(found));
  }

  private async modelList(): Promise<PoolModel[]> {
    const served = await this.engines.speechToText.catalogue();
    return [
      { id: DEFAULT_MODEL_ALIAS, backends: [] },
      ...served.filter((entry) => entry.id !== DEFAULT_MODEL_ALIAS),
    ];
  }
}

/** Who serves a model: the engines (`kind@instance`), or this orchestrator for the default alias. */
function ownerOf(model: PoolModel): string {
  return model.backends.length > 0 ? model.backends.join(',') : 'livetranslate-orchestration';
}
