import { Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@app/common';
import type { TranscriptionResult } from '@app/engines';
import { StreamedTranscriber } from '../upload/streamed-transcriber';
import { API_TRANSCRIPTION } from './transcribe-request';

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

/**
 * Engine-agnostic synchronous transcription (`POST /api/transcribe`): the normalised transcript with
 * segments and, when asked, words, from whichever speech-to-text engine is available. The upload goes to
 * the engine as the OpenAI front door's does (StreamedTranscriber).
 */
@ApiTags('engines')
@Controller('api')
export class TranscribeController {
  constructor(private readonly transcriber: StreamedTranscriber) {}

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
    const { asked, result } = await this.transcriber.transcribe(request, API_TRANSCRIPTION);
    return transcriptBody(result, asked.wordTimestamps);
  }
}
