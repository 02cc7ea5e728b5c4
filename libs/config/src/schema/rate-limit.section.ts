import { IsInt, Max, Min } from 'class-validator';

/**
 * REST rate limits: requests per client per window, where the client is its API key when it presents a
 * valid one and its IP address otherwise. 0 turns a class off. Counters live in Redis when REDIS_URL is set,
 * so the limit holds across instances.
 */
export class RateLimitSection {
  @IsInt()
  @Min(1)
  @Max(86400)
  windowSeconds = 60;

  /** /api/whisper, /api/speaker, /api/translation and /api/pipeline. */
  @IsInt()
  @Min(0)
  proxy = 600;

  /** Mutating admin endpoints (POST /api/config, POST /api/settings, DELETE /api/sessions/:id). */
  @IsInt()
  @Min(0)
  admin = 30;

  /** Every other /api route except the health probes. */
  @IsInt()
  @Min(0)
  api = 1200;

  /**
   * New Socket.IO handshakes per client IP per window, counted before any per-connection state exists, so a
   * client cannot exhaust the connection cap or the handshake work by reconnecting in a loop.
   */
  @IsInt()
  @Min(0)
  websocketConnections = 600;
}
