import { IsIn, IsOptional, IsString } from 'class-validator';
import type { PinoLevel } from '@app/common';

export const LOG_LEVELS: PinoLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class LoggingSection {
  @IsIn(LOG_LEVELS)
  level: PinoLevel = 'info';

  @IsOptional()
  @IsString()
  file?: string;
}
