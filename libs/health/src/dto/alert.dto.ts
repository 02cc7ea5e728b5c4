import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { SERVICE_NAMES, type ServiceName } from '@app/config';
import type { Alert, AlertLevel } from '../health.types';

export const DEFAULT_ALERT_LIMIT = 50;

export class AlertsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: DEFAULT_ALERT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  limit?: number;
}

export class AlertDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['warning', 'critical', 'recovered'] })
  level: AlertLevel;

  @ApiProperty({ enum: SERVICE_NAMES })
  service: ServiceName;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'whisper-0',
    description: 'null for service-wide alerts',
  })
  instance: string | null;

  @ApiProperty({ example: 'whisper instance whisper-0 (http://localhost:5001) is down: HTTP 503' })
  message: string;

  @ApiProperty({ format: 'date-time' })
  time: string;
}

export class AlertsResponseDto {
  @ApiProperty({ type: [AlertDto], description: 'newest first' })
  alerts: AlertDto[];

  @ApiProperty()
  count: number;
}

/** The domain Alert is already flat and snake_case-free; the wire form copies it field by field. */
export function toAlertDto(alert: Alert): AlertDto {
  return {
    id: alert.id,
    level: alert.level,
    service: alert.service,
    instance: alert.instance,
    message: alert.message,
    time: alert.time,
  };
}
