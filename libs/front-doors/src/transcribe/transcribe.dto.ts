import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

/**
 * The text fields of POST /api/transcribe (the audio is the multipart part `file`). Sent before the file,
 * they let the upload stream through to the engine as it arrives (see API_TRANSCRIPTION).
 */
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

  @ApiPropertyOptional({
    example: '0',
    description: 'sampling temperature from 0 to 1, for engines that take one (openai, whisper-cpp)',
  })
  @IsOptional()
  @Matches(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, { message: 'temperature must be a number from 0 to 1' })
  temperature?: string;

  @ApiPropertyOptional({ description: 'model, for engines that take one' })
  @IsOptional()
  @IsString()
  model?: string;
}
