import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AlertsQueryDto, AlertsResponseDto, DEFAULT_ALERT_LIMIT, toAlertDto } from './dto/alert.dto';
import { ServicesResponseDto, toServicesResponse } from './dto/service-health.dto';
import { HEALTH_MONITOR, type HealthMonitor } from './health.types';

/** The backend monitor's view: per-instance status and the alerts it raised. */
@ApiTags('health')
@Controller('api')
export class BackendHealthController {
  constructor(@Inject(HEALTH_MONITOR) private readonly monitor: HealthMonitor) {}

  @Get('services')
  @ApiOkResponse({ type: ServicesResponseDto, description: 'every backend service and instance' })
  services(): ServicesResponseDto {
    return toServicesResponse(this.monitor.services(), new Date());
  }

  @Get('alerts')
  @ApiOkResponse({ type: AlertsResponseDto })
  alerts(@Query() query: AlertsQueryDto): AlertsResponseDto {
    const alerts = this.monitor.alerts(query.limit ?? DEFAULT_ALERT_LIMIT).map(toAlertDto);
    return { alerts, count: alerts.length };
  }
}
