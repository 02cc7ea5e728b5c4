import { IsOptional, Matches } from 'class-validator';

export class RedisSection {
  /** Unset: in-process drivers. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'url must be a redis:// or rediss:// URL' })
  url?: string;

  /** Prefix of every key and queue, so several deployments can share one Redis. */
  @Matches(/^[A-Za-z0-9:_-]+$/, { message: 'keyPrefix may hold letters, digits, : _ and - only' })
  keyPrefix = 'lt:';
}
