import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '@app/security';
import { SettingsDto, type Settings } from './settings.dto';
import { SettingsService } from './settings.service';

@ApiTags('configuration')
@Controller('api')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get('settings')
  getSettings(): Promise<Settings> {
    return this.settings.get();
  }

  @Post('settings')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  updateSettings(@Body() patch: SettingsDto): Promise<Settings> {
    return this.settings.update(patch);
  }
}
