import { ApiProperty } from '@nestjs/swagger';
import { SERVICE_NAMES, type ServiceName } from '@app/config';
import type { InstanceHealth, InstanceStatus, ServiceHealth } from '../health.types';
import { isServing } from '../service-status';

const INSTANCE_STATUSES: InstanceStatus[] = ['up', 'down', 'degraded', 'unknown'];

/** One backend instance as GET /api/services and the `health` WebSocket channel show it. */
export class InstanceHealthDto {
  @ApiProperty({ example: 'whisper-0' })
  instance_id: string;

  @ApiProperty({ example: 'http://localhost:5001' })
  url: string;

  @ApiProperty({ example: 1 })
  weight: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'openai',
    description: 'the engine kind it speaks (a pool may mix kinds)',
  })
  kind: string | null;

  @ApiProperty({ example: 0, description: 'tier: 0 first; higher only while every lower one is unavailable' })
  priority: number;

  @ApiProperty({ enum: INSTANCE_STATUSES, description: 'unknown until the first check' })
  status: InstanceStatus;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 12.5,
    description: 'last check; null when unanswered',
  })
  response_time_ms: number | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  last_check: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'when the status last changed',
  })
  last_change: string | null;

  @ApiProperty({ example: 0 })
  consecutive_failures: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 99.5,
    description: 'time-weighted over monitoring.uptime_window',
  })
  uptime_percent: number | null;

  @ApiProperty({ enum: ['closed', 'open', 'half_open'], description: "the gateway's circuit breaker" })
  circuit: InstanceHealth['circuit'];

  @ApiProperty({ type: String, nullable: true, example: 'connect ECONNREFUSED 127.0.0.1:5001' })
  last_error: string | null;

  @ApiProperty({ description: 'whether the gateway routes traffic to it' })
  in_rotation: boolean;

  @ApiProperty({ example: 1, description: 'calls it is busy with now' })
  in_flight: number;

  @ApiProperty({ example: 1, description: 'its concurrency cap; calls beyond it wait for a free instance' })
  max_concurrent: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1,
    description:
      'calls it works on at once, as the live streams’ decode capacity counts them: its cap when configured, else its kind’s decoder slots',
  })
  slots: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 180.4,
    description: 'moving average of its engine calls’ latency; null until measured',
  })
  latency_ewma_ms: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.12,
    description: 'moving average of processing time / audio duration; null until measured',
  })
  rtf_ewma: number | null;
}

/** A service in one line, as GET /api/health shows it. */
export class ServiceSummaryDto {
  @ApiProperty({ enum: INSTANCE_STATUSES, description: 'up: all up; down: all down; degraded: in between' })
  status: InstanceStatus;

  @ApiProperty({ example: 2, description: 'instances up or degraded' })
  instances_healthy: number;

  @ApiProperty({ example: 2 })
  instances_total: number;
}

export class ServiceHealthDto extends ServiceSummaryDto {
  @ApiProperty({ enum: SERVICE_NAMES })
  service: ServiceName;

  @ApiProperty({ type: [InstanceHealthDto] })
  instances: InstanceHealthDto[];
}

export class ServicesByNameDto {
  @ApiProperty({ type: ServiceHealthDto })
  whisper: ServiceHealthDto;

  @ApiProperty({ type: ServiceHealthDto })
  speaker: ServiceHealthDto;

  @ApiProperty({ type: ServiceHealthDto })
  translation: ServiceHealthDto;
}

export class ServicesResponseDto {
  @ApiProperty({ type: ServicesByNameDto })
  services: ServicesByNameDto;

  @ApiProperty({ format: 'date-time' })
  timestamp: string;
}

export function toInstanceHealthDto(instance: InstanceHealth): InstanceHealthDto {
  return {
    instance_id: instance.instanceId,
    url: instance.url,
    weight: instance.weight ?? null,
    kind: instance.kind ?? null,
    priority: instance.priority ?? 0,
    status: instance.status,
    response_time_ms: instance.responseTimeMs,
    last_check: instance.lastCheck,
    last_change: instance.lastChange,
    consecutive_failures: instance.consecutiveFailures,
    uptime_percent: instance.uptimePercent,
    circuit: instance.circuit,
    last_error: instance.lastError,
    in_rotation: instance.inRotation ?? instance.status !== 'down',
    in_flight: instance.inFlight ?? 0,
    max_concurrent: instance.maxConcurrent ?? null,
    slots: instance.slots ?? null,
    latency_ewma_ms: instance.latencyEwmaMs ?? null,
    rtf_ewma: instance.rtfEwma ?? null,
  };
}

export function toServiceSummaryDto(service: ServiceHealth): ServiceSummaryDto {
  return {
    status: service.status,
    instances_healthy: service.instances.filter((i) => isServing(i.status)).length,
    instances_total: service.instances.length,
  };
}

export function toServiceHealthDto(service: ServiceHealth): ServiceHealthDto {
  return {
    service: service.service,
    ...toServiceSummaryDto(service),
    instances: service.instances.map(toInstanceHealthDto),
  };
}

export function toServicesResponse(services: ServiceHealth[], now: Date): ServicesResponseDto {
  return { services: byServiceName(services, toServiceHealthDto), timestamp: now.toISOString() };
}

/** The monitor lists every configured service (SERVICE_NAMES), so the map has all three keys. */
export function byServiceName<T>(
  services: ServiceHealth[],
  map: (service: ServiceHealth) => T,
): Record<ServiceName, T> {
  return Object.fromEntries(services.map((service) => [service.service, map(service)])) as Record<
    ServiceName,
    T
  >;
}
