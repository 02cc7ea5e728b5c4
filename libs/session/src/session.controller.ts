import { Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiError } from '@app/common';
import { camelToSnake, mapKeysDeep } from '@app/config';
import { AdminGuard } from '@app/security';
import { SESSION_STORE, type SessionStore } from './session.types';

@ApiTags('sessions')
@Controller('api/sessions')
export class SessionController {
  constructor(@Inject(SESSION_STORE) private readonly sessions: SessionStore) {}

  @Get()
  async list(): Promise<Record<string, unknown>> {
    const sessions = await this.sessions.list();
    return { sessions: mapKeysDeep(sessions, camelToSnake), total: sessions.length };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<unknown> {
    const session = await this.sessions.get(id);
    if (!session) throw notFound(id);
    return mapKeysDeep(session, camelToSnake);
  }

  @Delete(':id')
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param('id') id: string): Promise<void> {
    if (!(await this.sessions.delete(id))) throw notFound(id);
  }
}

function notFound(id: string): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, 'SESSION_NOT_FOUND', `No session ${id}`, { session_id: id });
}
