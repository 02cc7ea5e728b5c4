import { IsInt, Min } from 'class-validator';

export class SessionsSection {
  /** Seconds a session without activity is kept. */
  @IsInt()
  @Min(60)
  ttl = 86400;

  /** Transcript and translation entries kept per session. */
  @IsInt()
  @Min(10)
  maxHistory = 1000;
}
