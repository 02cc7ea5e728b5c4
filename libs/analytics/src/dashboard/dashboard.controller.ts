import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DashboardOverview } from './dashboard-overview';

@ApiTags('analytics')
@Controller('api/dashboard')
export class DashboardController {
  constructor(private readonly overview: DashboardOverview) {}

  @Get()
  @ApiOkResponse({
    description:
      'health summary, services, gateway, connections, pipeline, rates, recent alerts and activity',
  })
  async bundle(): Promise<Record<string, unknown>> {
    return this.overview.build();
  }
}
