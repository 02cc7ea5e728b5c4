import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

/** The text fields of POST /api/transcribe (the audio is the multipart part `file`). */
export class TranscribeFieldsDto {
  @ApiPropertyOptional({ example: 'en', description: "ISO 639-1, or 'auto' (the default) to detect it" })
  @IsOptional()
  @IsString()
  @Matches(/^([a-z]{2,3}|auto)$/, { message: "language must be an ISO 639-1 code or 'auto'" })
  language?: string;

  @ApiPropertyOptional({
    example: 'true',
    description: 'words[] with start/end seconds, where the engine gives them',
  })
  @IsOptional()
  @IsIn(['true', 'false', '1', '0'], { message: 'word_timestamps must be true or false' })
  word_timestamps?: string;

  @ApiPropertyOptional({ description: 'model, for engines that take one' })
  @IsOptional()
  @IsString()
  model?: string;
}
