import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConfigStore, TUNABLE_SECTIONS } from '@app/config';
import { AdminGuard } from '@app/security';

@ApiTags('configuration')
@Controller('api')
export class ConfigController {
  constructor(private readonly configStore: ConfigStore) {}

  @Get('config')
  @ApiOkResponse({ description: 'The running configuration in snake_case, secrets redacted' })
  getConfig(): Record<string, unknown> {
    return this.configStore.publicView();
  }

  /**
   * The body is a free-form partial of the config tree, validated against the full schema after merging,
   * which a DTO cannot express; hence no DTO class here.
   */
  @Post('config')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @ApiBody({
    description: `A partial configuration in snake_case; tunable sections: ${TUNABLE_SECTIONS.join(', ')}`,
    schema: {
      type: 'object',
      example: { gateway: { timeout: 10 }, monitoring: { health_check_interval: 5 } },
    },
  })
  updateConfig(@Body() patch: unknown): { changed: string[]; config: Record<string, unknown> } {
    const changed = this.configStore.update(patch, 'api');
    return { changed, config: this.configStore.publicView() };
  }
}
