import { IsIn, IsString, MinLength } from 'class-validator';

export class OrchestrationSection {
  @IsString()
  @MinLength(1)
  serviceName = 'orchestration-service';

  @IsString()
  version = '2.0.0';

  /** From NODE_ENV; production turns on the stricter start-up checks. */
  @IsIn(['development', 'production', 'test'])
  environment: 'development' | 'production' | 'test' = 'development';
}
