import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ConnectionRegistry } from './connection-registry';
import { connectionView, totalsView } from './connection-views';

export class ConnectionPageQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page = 1;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;
}

/** The connection registry of this instance (each instance answers for its own connections). */
@ApiTags('realtime')
@Controller('api/connections')
export class ConnectionsController {
  constructor(private readonly registry: ConnectionRegistry) {}

  @Get()
  list(@Query() query: ConnectionPageQuery): Record<string, unknown> {
    const now = Date.now();
    const totals = totalsView(this.registry, now);
    return {
      connections: this.registry
        .page(query.page, query.limit)
        .map((r) => connectionView(this.registry, r, now)),
      page: query.page,
      limit: query.limit,
      total: totals.current,
      peak: totals.peak,
      totals,
    };
  }
}
