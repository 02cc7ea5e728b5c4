import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ActivityLogEntry } from '../analytics.types';
import { ActivityLog } from './activity-log';
import { LogsQueryDto } from './logs-query.dto';

@ApiTags('analytics')
@Controller('api/logs')
export class LogsController {
  constructor(private readonly log: ActivityLog) {}

  /** Entries are single-word keys already, so the stored form is the wire form. */
  @Get()
  @ApiOkResponse({ description: 'activity log entries, newest first; `total` is how many the log holds' })
  list(@Query() query: LogsQueryDto): { logs: ActivityLogEntry[]; count: number; total: number } {
    const logs = this.log.query(query);
    return { logs, count: logs.length, total: this.log.size };
  }
}
