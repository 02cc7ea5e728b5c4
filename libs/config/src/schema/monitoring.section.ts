import { IsBoolean, IsInt, IsNumber, Max, Min } from 'class-validator';

export class MonitoringSection {
  /** Seconds between backend health checks. */
  @IsNumber()
  @Min(0.1)
  healthCheckInterval = 10;

  /**
   * Seconds one health probe may take before it counts as failed. The monitor caps it at the interval, so
   * a hanging backend is marked down within two intervals whatever this says.
   */
  @IsNumber()
  @Min(0.05)
  healthCheckTimeout = 5;

  /** Probe down instances and put them back into rotation once healthy. */
  @IsBoolean()
  autoRecovery = true;

  /** Reload config/orchestration.yaml when it changes on disk. */
  @IsBoolean()
  hotReload = false;

  /** Seconds of history behind the uptime percentage. */
  @IsInt()
  @Min(60)
  uptimeWindow = 3600;

  /** Alerts kept for GET /api/alerts; older ones are dropped (they stay in the activity log). */
  @IsInt()
  @Min(1)
  @Max(10000)
  alertHistory = 200;
}
