import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/common';
import { MetricsOverview } from './metrics-overview';

@ApiTags('analytics')
@Controller()
export class MetricsController {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly overview: MetricsOverview,
  ) {}

  /** Prometheus text exposition of the process's one registry. */
  @Get('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format 0.0.4' })
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  async prometheus(): Promise<string> {
    return this.registry.metrics();
  }

  @Get('api/metrics')
  @ApiOkResponse({ description: 'the same figures as JSON, with rolling rates and the trend series' })
  async json(): Promise<Record<string, unknown>> {
    return this.overview.build();
  }
}
