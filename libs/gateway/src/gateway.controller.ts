import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { camelToSnake, mapKeysDeep } from '@app/config';
import { GatewayStats } from './gateway-stats';

@ApiTags('gateway')
@Controller('api/gateway')
export class GatewayController {
  constructor(private readonly stats: GatewayStats) {}

  @Get()
  @ApiOkResponse({
    description:
      'Per service and instance: requests, errors, success rate and p50/p95/p99 latency over the stats window, breaker state and last transition, in-flight calls',
  })
  snapshot(): Record<string, unknown> {
    return mapKeysDeep(this.stats.snapshot(), camelToSnake) as Record<string, unknown>;
  }
}
