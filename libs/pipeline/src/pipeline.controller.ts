import { Controller, Get, HttpCode, HttpStatus, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { ApiError, ValidationFailedError, flattenValidationErrors, readMultipartUpload } from '@app/common';
import { SettingsService } from '@app/settings';
import { PipelineJobDto } from './pipeline-job.dto';
import { PipelineJobs } from './pipeline.service';
import { PIPELINE } from './pipeline.types';

interface ParsedUpload {
  fields: Record<string, unknown>;
  audio?: Buffer;
}

/** Multipart: the file part named `file` and text fields; anything else is a JSON body. */
async function readUpload(request: FastifyRequest): Promise<ParsedUpload> {
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { audio_data: audioData, ...fields } = body;
    const audio = typeof audioData === 'string' ? Buffer.from(audioData, 'base64') : undefined;
    return {
      fields: { ...fields, ...(typeof audioData === 'string' ? { audio_data: audioData } : {}) },
      audio,
    };
  }
  const { fields, file } = await readMultipartUpload(request);
  return { fields, audio: file?.data };
}

function validated(fields: Record<string, unknown>): PipelineJobDto {
  const dto = plainToInstance(PipelineJobDto, fields);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new ValidationFailedError(flattenValidationErrors(errors));
  return dto;
}

@ApiTags('pipeline')
@Controller('api/pipeline')
export class PipelineController {
  constructor(
    @Inject(PIPELINE) private readonly jobs: PipelineJobs,
    private readonly settings: SettingsService,
  ) {}

  @Post('jobs')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Queue an audio chunk for transcription, translation and (optionally) diarization',
  })
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiAcceptedResponse({ schema: { example: { job_id: 'pj_…', created: true } } })
  async create(@Req() request: FastifyRequest): Promise<{ job_id: string; created: boolean }> {
    const upload = await readUpload(request);
    const dto = validated(upload.fields);
    if (!upload.audio) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        'NO_AUDIO',
        'No audio: send a multipart "file" or JSON "audio_data"',
      );
    }
    const settings = await this.settings.get();
    const result = await this.jobs.submit({
      chunkId: dto.chunk_id ?? randomUUID(),
      sessionId: dto.session_id,
      audio: upload.audio,
      format: dto.format ?? 'auto',
      sampleRate: dto.sample_rate,
      language: dto.language ?? settings.default_source_language,
      targetLanguages:
        dto.target_languages ?? (settings.auto_translate ? settings.default_target_languages : []),
      diarize: dto.diarize ?? settings.enable_diarization,
      requestId: String(request.id),
    });
    return { job_id: result.jobId, created: result.created };
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'A job: overall and per-stage state, results, error' })
  view(@Param('id') id: string): Promise<Record<string, unknown>> {
    return this.jobs.view(id);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Queue depths, throughput and failures' })
  stats(): Promise<Record<string, unknown>> {
    return this.jobs.stats();
  }
}
