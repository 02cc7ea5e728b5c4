import { IsIn, IsInt, IsNumber, Max, Min } from 'class-validator';

/** How calls are spread over a service's instances (see docs/gateway.md). */
export const GATEWAY_ROUTINGS = ['speed', 'weighted'] as const;
export type GatewayRouting = (typeof GATEWAY_ROUTINGS)[number];

export class GatewaySection {
  /**
   * `speed`: to the instance expected to finish the call first, from its measured latency, real-time
   * factor and calls in flight (weighted round-robin while unmeasured); `weighted`: smooth weighted
   * round-robin only (the baseline the benchmark compares with). Concurrency caps apply to both.
   */
  @IsIn(GATEWAY_ROUTINGS)
  routing: GatewayRouting = 'speed';

  /** Seconds per attempt of a proxied call. */
  @IsNumber()
  @Min(0.001)
  @Max(3600)
  timeout = 30;

  @IsInt()
  @Min(0)
  @Max(10)
  retries = 3;

  /** Consecutive failures that open an instance's breaker. */
  @IsInt()
  @Min(1)
  circuitBreakerThreshold = 5;

  /** Seconds an open breaker waits before letting one probe through (half-open). */
  @IsNumber()
  @Min(0.01)
  circuitBreakerResetTimeout = 30;

  /** Concurrent calls per instance before requests queue. */
  @IsInt()
  @Min(1)
  maxConcurrentPerInstance = 100;

  /** Queued calls per instance beyond which requests are refused with 503. */
  @IsInt()
  @Min(0)
  maxQueuePerInstance = 100;

  /** Base delay of the exponential retry backoff, in milliseconds. */
  @IsInt()
  @Min(0)
  retryBaseDelayMs = 100;

  /** Ceiling of the exponential retry backoff, in milliseconds. */
  @IsInt()
  @Min(0)
  retryMaxDelayMs = 2000;

  /** Seconds of history behind the latency percentiles and success rates of GET /api/gateway. */
  @IsInt()
  @Min(1)
  @Max(86400)
  statsWindowSeconds = 300;
}
