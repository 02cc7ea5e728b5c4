import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ConfigStore } from '@app/config';
import { RedisConnections } from '@app/storage';
import { HealthResponseDto, type OverallStatus } from './dto/health-response.dto';
import { byServiceName, toServiceSummaryDto } from './dto/service-health.dto';
import { HEALTH_MONITOR, type HealthMonitor } from './health.types';
import { ProcessHealthIndicators } from './process-health.indicators';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly processHealth: ProcessHealthIndicators,
    private readonly redis: RedisConnections,
    private readonly configStore: ConfigStore,
    @Inject(HEALTH_MONITOR) private readonly monitor: HealthMonitor,
  ) {}

  @Get()
  @ApiOkResponse({
    type: HealthResponseDto,
    description: 'healthy, or degraded when a backend instance is down: the orchestrator can serve',
  })
  @ApiServiceUnavailableResponse({ type: HealthResponseDto, description: 'unhealthy: it cannot' })
  async overall(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthResponseDto> {
    const result = await this.run([
      () => this.processHealth.eventLoop(),
      () => this.processHealth.memory(),
      ...this.redisChecks(),
    ]);
    const services = this.monitor.services();
    const backendDown = services.some((service) => service.instances.some((i) => i.status === 'down'));
    // A down backend leaves the orchestrator serving (other instances, other services): degraded, still 200.
    const status: OverallStatus = result.status !== 'ok' ? 'unhealthy' : backendDown ? 'degraded' : 'healthy';
    void reply.status(status === 'unhealthy' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return {
      status,
      service: this.configStore.current.orchestration.serviceName,
      version: this.configStore.current.orchestration.version,
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      timestamp: new Date().toISOString(),
      checks: result.details,
      services: byServiceName(services, toServiceSummaryDto),
    };
  }

  /** Liveness: the process answers. Orchestrators restart it when this fails, so it checks nothing else. */
  @Get('live')
  live(): { status: 'alive'; timestamp: string } {
    return { status: 'alive', timestamp: new Date().toISOString() };
  }

  /** Readiness: every required dependency answers, so traffic may be routed here. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const result = await this.run(this.redisChecks());
    const ready = result.status === 'ok';
    void reply.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'not_ready', checks: result.details };
  }

  private redisChecks(): HealthIndicatorFunction[] {
    return this.redis.enabled ? [() => this.processHealth.redisConnection()] : [];
  }

  /** Terminus signals failure by throwing the result inside a 503 exception; we want the result itself. */
  private async run(checks: HealthIndicatorFunction[]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      const response = (error as { getResponse?: () => unknown }).getResponse?.();
      if (response && typeof response === 'object' && 'status' in response)
        return response as HealthCheckResult;
      throw error;
    }
  }
}
