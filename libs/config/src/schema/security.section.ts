import { IsArray, IsOptional, IsString } from 'class-validator';

export const DEFAULT_SECRET_KEY = 'change-me-in-production';

export class SecuritySection {
  @IsString()
  secretKey = DEFAULT_SECRET_KEY;

  /** Bearer token for mutating admin endpoints; unset leaves them open outside production. */
  @IsOptional()
  @IsString()
  adminToken?: string;

  /** Keys accepted on proxy, pipeline and WebSocket handshakes; empty means those are open. */
  @IsArray()
  @IsString({ each: true })
  apiKeys: string[] = [];
}
