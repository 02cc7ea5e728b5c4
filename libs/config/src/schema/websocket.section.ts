import { IsInt, Max, Min } from 'class-validator';

export class WebsocketSection {
  @IsInt()
  @Min(1)
  maxConnections = 10000;

  /** Idle timeout in seconds: a connection that sends nothing for this long is closed. */
  @IsInt()
  @Min(1)
  connectionTimeout = 1800;

  /** Seconds between Socket.IO pings. */
  @IsInt()
  @Min(1)
  @Max(3600)
  heartbeatInterval = 25;

  /** Largest audio chunk accepted on a stream event, in bytes. */
  @IsInt()
  @Min(1024)
  maxChunkBytes = 5 * 1024 * 1024;

  /**
   * Longest audio chunk accepted on a stream event, in seconds. Read from the WAV header; compressed chunks are
   * bounded by maxChunkBytes only.
   */
  @IsInt()
  @Min(1)
  maxChunkSeconds = 30;

  /** Messages per second one connection may send before it gets RATE_LIMITED errors. */
  @IsInt()
  @Min(1)
  messageRateLimit = 50;

  /** Seconds between metrics_update and connections_update pushes to subscribed clients. */
  @IsInt()
  @Min(1)
  @Max(3600)
  updateInterval = 5;

  /** Stream items one session may have waiting; beyond it the client gets OVERLOADED. */
  @IsInt()
  @Min(1)
  @Max(10000)
  maxQueuedPerSession = 64;
}
