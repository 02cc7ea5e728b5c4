import { ApiProperty } from '@nestjs/swagger';
import { ServiceSummaryDto } from './service-health.dto';

export type OverallStatus = 'healthy' | 'degraded' | 'unhealthy';

export class ServicesSummaryDto {
  @ApiProperty({ type: ServiceSummaryDto })
  whisper: ServiceSummaryDto;

  @ApiProperty({ type: ServiceSummaryDto })
  speaker: ServiceSummaryDto;

  @ApiProperty({ type: ServiceSummaryDto })
  translation: ServiceSummaryDto;
}

/** GET /api/health. */
export class HealthResponseDto {
  @ApiProperty({
    enum: ['healthy', 'degraded', 'unhealthy'],
    description: 'degraded (200) when a backend instance is down; unhealthy (503) when an own check fails',
  })
  status: OverallStatus;

  @ApiProperty({ example: 'orchestration-service' })
  service: string;

  @ApiProperty({ example: '2.0.0' })
  version: string;

  @ApiProperty()
  uptime_seconds: number;

  @ApiProperty({ format: 'date-time' })
  timestamp: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'terminus details per own check: event_loop, memory, redis (when REDIS_URL is set)',
  })
  checks: Record<string, unknown>;

  @ApiProperty({ type: ServicesSummaryDto })
  services: ServicesSummaryDto;
}
