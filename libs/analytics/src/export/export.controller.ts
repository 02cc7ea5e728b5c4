import { Controller, Get, HttpStatus, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '@app/common';
import { SESSION_STORE, type SessionStore } from '@app/session';
import { translationLanguages } from './cues';
import { ExportQueryDto } from './export-query.dto';
import { exportSession } from './session-export';

@ApiTags('sessions')
@Controller('api/sessions')
export class ExportController {
  constructor(@Inject(SESSION_STORE) private readonly sessions: SessionStore) {}

  @Get(':id/export')
  @ApiProduces('application/json', 'application/x-subrip', 'text/vtt', 'text/plain')
  @ApiOkResponse({ description: 'the transcript, or with `lang` one translation, as a download' })
  async export(
    @Param('id') id: string,
    @Query() query: ExportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const session = await this.sessions.get(id);
    if (!session) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'SESSION_NOT_FOUND', `No session ${id}`, { session_id: id });
    }
    if (query.lang !== undefined) {
      const available = translationLanguages(session.history);
      if (!available.includes(query.lang)) {
        throw new ApiError(
          HttpStatus.NOT_FOUND,
          'TRANSLATION_NOT_FOUND',
          `Session ${id} has no translation into ${query.lang}`,
          { session_id: id, lang: query.lang, available_languages: available },
        );
      }
    }
    const result = exportSession(session, query.format ?? 'json', query.lang);
    void reply
      .header('content-type', result.contentType)
      .header('content-disposition', `attachment; filename="${result.fileName}"`)
      .header('cache-control', 'no-store');
    return result.body;
  }
}
