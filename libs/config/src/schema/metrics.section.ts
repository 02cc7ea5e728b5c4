import { IsBoolean, IsInt, Max, Min } from 'class-validator';

/** Instrumentation and the analytics module's in-memory history. */
export class MetricsSection {
  /**
   * Per-request HTTP instrumentation and the trend sampler. Off only to measure what they cost (see
   * bench/README.md); /metrics still serves what the other modules record.
   */
  @IsBoolean()
  enabled = true;

  /** Seconds between two points of the /api/metrics trend series. */
  @IsInt()
  @Min(1)
  @Max(300)
  sampleInterval = 10;

  /** Seconds of trend history kept (an hour at the default interval is 360 points). */
  @IsInt()
  @Min(60)
  @Max(86400)
  historyWindow = 3600;

  /** Activity log entries kept in memory; the oldest are dropped first. */
  @IsInt()
  @Min(10)
  @Max(100000)
  activityLogSize = 1000;
}
