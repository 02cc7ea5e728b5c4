import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ACTIVITY_LEVELS, type ActivityLevel } from '@app/common';

/** Largest page; the log itself holds `metrics.activity_log_size` entries. */
export const MAX_ACTIVITY_LIMIT = 1000;

export class LogsQueryDto {
  @ApiPropertyOptional({ enum: ACTIVITY_LEVELS, description: 'minimum level' })
  @IsOptional()
  @IsIn(ACTIVITY_LEVELS)
  level?: ActivityLevel;

  @ApiPropertyOptional({ description: 'exact source, e.g. gateway, health, config' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  source?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ACTIVITY_LIMIT, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ACTIVITY_LIMIT)
  limit?: number;
}
