import { Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, readMultipartUpload } from '@app/common';
import { DEFAULT_MODEL_ALIAS, ENGINES, uploadedAudio, type Engines, type PoolModel } from '@app/engines';
import { renderTranscription } from './transcription-formats';
import { checkFileName, invalidParam, readTranscriptionRequest } from './transcription-request';

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
@Controller('v1')
export class OpenAiController {
  constructor(@Inject(ENGINES) private readonly engines: Engines) {}

  @Post('audio/transcriptions')
  @HttpCode(HttpStatus.OK)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      'OpenAI-compatible transcription (file, model, language, prompt, response_format, timestamp_granularities[])',
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
    const { fields, file } = await readMultipartUpload(request);
    const asked = readTranscriptionRequest(fields);
    if (!file || file.data.length === 0) {
      throw invalidParam('file', 'you must provide a file parameter', 'missing_required_parameter');
    }
    checkFileName(file.fileName);
    const result = await this.engines.speechToText.transcribe(uploadedAudio(file), {
      model: asked.model,
      language: asked.language,
      prompt: asked.prompt,
      wordTimestamps: asked.granularities.includes('word'),
      requestId: String(request.id),
    });
    const answer = renderTranscription(result, asked.responseFormat, asked.granularities);
    await reply
      .header('content-type', answer.contentType)
      .header('openai-processing-ms', String(Math.round(result.processingMs)))
      .header('x-backend', result.backend)
      .send(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  }

  @Get('models')
  @ApiOperation({ summary: 'OpenAI-compatible model list: whisper-1 (the default) and every engine model' })
  async models(): Promise<Record<string, unknown>> {
    return { object: 'list', data: (await this.modelList()).map((m) => modelObject(m.id, ownerOf(m))) };
  }

  @Get('models/:model')
  @ApiOperation({ summary: 'One model of the list' })
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
