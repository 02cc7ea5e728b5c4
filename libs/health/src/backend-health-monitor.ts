import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DomainEvents, type ActivityLevel } from '@app/common';
import { ConfigStore, SERVICE_NAMES, type ServiceName } from '@app/config';
import { BACKEND_REGISTRY, type BackendInstanceView, type BackendRegistry } from '@app/gateway';
import { AlertLog } from './alert-log';
import { decideAlerts, type AlertDraft } from './alert-rules';
import { BackendHealthIndicator, type BackendCheckDetails } from './backend-health.indicator';
import { HEALTH_CLOCK, type Clock } from './clock';
import { healthEndpoints } from './engine-health-endpoints';
import { HealthMetrics } from './health-metrics';
import type { Alert, AlertLevel, HealthMonitor, InstanceHealth, ServiceHealth } from './health.types';
import { InstanceRecord } from './instance-record';
import { serviceStatus } from './service-status';

const ACTIVITY_LEVEL: Record<AlertLevel, ActivityLevel> = {
  warning: 'warning',
  critical: 'critical',
  recovered: 'info',
};

/**
 * Checks every instance of every backend service on a fixed interval and keeps what it learns: status,
 * response time, uptime, alerts. Each instance has at most one probe in flight and every probe has its
 * own timeout, so a hanging backend neither piles up probes nor delays the checks of the others.
 * Status changes feed the gateway's routing (a down instance gets no traffic) and raise alerts.
 */
@Injectable()
export class BackendHealthMonitor implements HealthMonitor, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HealthMonitor');
  /** Keyed by `service/instanceId`. */
  private readonly records = new Map<string, InstanceRecord>();
  private readonly criticalServices = new Set<ServiceName>();
  private readonly alertLog: AlertLog;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly configStore: ConfigStore,
    @Inject(BACKEND_REGISTRY) private readonly registry: BackendRegistry,
    private readonly indicator: BackendHealthIndicator,
    private readonly events: DomainEvents,
    private readonly metrics: HealthMetrics,
    @Inject(HEALTH_CLOCK) private readonly clock: Clock,
  ) {
    this.alertLog = new AlertLog(configStore.current.monitoring.alertHistory);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onModuleDestroy(): void {
    this.stop();
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.events.on('config.changed', ({ changedSections }) => {
      if (!changedSections.includes('monitoring') && !changedSections.includes('services')) return;
      this.alertLog.resize(this.configStore.current.monitoring.alertHistory);
      // The gateway rebuilds its instance list on the same event; check once it has, on the next turn.
      setImmediate(() => this.schedule());
    });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  services(): ServiceHealth[] {
    return SERVICE_NAMES.map((service) => {
      const instances = this.registry
        .instances(service)
        .map((view) => this.instanceHealth(view, this.records.get(key(service, view.id))));
      return { service, status: serviceStatus(instances.map((i) => i.status)), instances };
    });
  }

  alerts(limit?: number): Alert[] {
    return this.alertLog.list(limit);
  }

  /** Runs one round of checks now; resolves when every probe started by it has finished. */
  async checkNow(): Promise<void> {
    await Promise.all(this.tick());
  }

  private schedule(): void {
    if (this.stopped) return;
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.tick(), this.intervalMs());
    // The server keeps the process alive; the monitor alone must not.
    this.timer.unref();
    // Probes settle on their own (check() catches); nothing here waits for them.
    void this.tick();
  }

  private intervalMs(): number {
    return this.configStore.current.monitoring.healthCheckInterval * 1000;
  }

  /** Starts a probe for every instance that has none in flight; returns the started probes. */
  private tick(): Promise<void>[] {
    if (this.stopped) return [];
    const started: Promise<void>[] = [];
    for (const service of SERVICE_NAMES) {
      const views = this.registry.instances(service);
      this.forgetRemoved(service, views);
      for (const view of views) {
        const record = this.recordFor(view);
        if (!record.inFlight) started.push(this.check(view, record));
      }
    }
    return started;
  }

  private recordFor(view: BackendInstanceView): InstanceRecord {
    const id = key(view.service, view.id);
    let record = this.records.get(id);
    if (!record || record.url !== view.url) {
      record = new InstanceRecord(view.url);
      this.records.set(id, record);
    }
    return record;
  }

  private forgetRemoved(service: ServiceName, views: BackendInstanceView[]): void {
    const current = new Set(views.map((view) => key(service, view.id)));
    for (const id of [...this.records.keys()]) {
      if (!id.startsWith(`${service}/`) || current.has(id)) continue;
      this.records.delete(id);
      const instanceId = id.slice(service.length + 1);
      this.metrics.forget(service, instanceId);
      this.indicator.forget(service, instanceId);
    }
  }

  private async check(view: BackendInstanceView, record: InstanceRecord): Promise<void> {
    const { monitoring, services } = this.configStore.current;
    const settings = services[view.service];
    // The instance's own kind: a pool may mix kinds, each probed at its own paths.
    // A probe never outlives its interval: a hanging backend is down within two intervals.
    const timeoutMs = Math.min(monitoring.healthCheckTimeout, monitoring.healthCheckInterval) * 1000;
    const target = {
      service: view.service,
      instanceId: view.id,
      kind: view.kind,
      paths: healthEndpoints(view.service, view.kind, settings.healthEndpoint),
    };
    record.inFlight = true;
    const startedAt = performance.now();
    try {
      const result = await this.indicator.check(target, timeoutMs);
      // Stopped meanwhile, or the instance left (or was replaced in) the configuration: drop the answer.
      if (this.stopped || this.records.get(key(view.service, view.id)) !== record) return;
      this.record(view, record, result[view.id], (performance.now() - startedAt) / 1000);
    } catch (error) {
      this.logger.error(`Health check of ${view.id} failed: ${(error as Error).message}`);
    } finally {
      record.inFlight = false;
    }
  }

  private record(
    view: BackendInstanceView,
    record: InstanceRecord,
    details: BackendCheckDetails,
    seconds: number,
  ): void {
    const { service } = view;
    const now = this.clock();
    const windowMs = this.configStore.current.monitoring.uptimeWindow * 1000;
    const downSince = record.downSince;
    const previous = record.apply(
      { state: details.state, responseTimeMs: details.response_time_ms, error: details.message },
      now,
      windowMs,
    );
    this.metrics.recordCheck(service, view.id, view.kind, details.state, seconds);
    this.updateRouting(service, view.id, record);
    this.events.emit('gateway.instance-checked', { service, instanceId: view.id, state: details.state });
    if (previous === record.status) return;

    const current = this.registry.instances(service).find((v) => v.id === view.id) ?? view;
    this.events.emit('health.changed', { service, instance: this.instanceHealth(current, record), previous });
    const decision = decideAlerts(
      {
        service,
        instanceId: view.id,
        url: view.url,
        previous,
        current: record.status,
        error: record.lastError,
        downForMs: downSince === null ? null : now - downSince,
      },
      this.statusesOf(service),
      this.criticalServices.has(service),
    );
    if (decision.critical) this.criticalServices.add(service);
    else this.criticalServices.delete(service);
    for (const draft of decision.alerts) this.raise(draft, now);
  }

  /**
   * A down instance is taken out of rotation. It goes back when a check finds it serving, but only with
   * auto_recovery: without it an operator decides (by changing the configuration, which rebuilds routing).
   */
  private updateRouting(service: ServiceName, instanceId: string, record: InstanceRecord): void {
    const view = this.registry.instances(service).find((v) => v.id === instanceId);
    if (!view) return;
    const healthy =
      record.status === 'down'
        ? false
        : this.configStore.current.monitoring.autoRecovery
          ? true
          : view.healthy;
    if (healthy === view.healthy) return;
    this.registry.setInstanceHealth(service, instanceId, healthy);
    this.events.activity(
      healthy ? 'info' : 'warning',
      'health',
      healthy ? `${instanceId} returned to rotation` : `${instanceId} taken out of rotation`,
      { service, instance: instanceId },
    );
  }

  private statusesOf(service: ServiceName): InstanceHealth['status'][] {
    return [...this.records.entries()]
      .filter(([id]) => id.startsWith(`${service}/`))
      .map(([, record]) => record.status);
  }

  private raise(draft: AlertDraft, now: number): void {
    const alert = this.alertLog.add(draft, new Date(now));
    this.events.emit('health.alert', alert);
    this.events.activity(ACTIVITY_LEVEL[alert.level], 'health', alert.message, {
      alert_id: alert.id,
      level: alert.level,
      service: alert.service,
      instance: alert.instance,
    });
  }

  private instanceHealth(view: BackendInstanceView, record: InstanceRecord | undefined): InstanceHealth {
    const windowMs = this.configStore.current.monitoring.uptimeWindow * 1000;
    return {
      service: view.service,
      instanceId: view.id,
      url: view.url,
      status: record?.status ?? 'unknown',
      responseTimeMs: record?.responseTimeMs ?? null,
      lastCheck: isoOrNull(record?.lastCheck),
      lastChange: isoOrNull(record?.lastChange),
      consecutiveFailures: record?.consecutiveFailures ?? 0,
      uptimePercent: record ? record.uptime.percent(this.clock(), windowMs) : null,
      circuit: view.breaker,
      lastError: record?.lastError ?? null,
      inRotation: view.healthy,
      weight: view.weight,
      kind: view.kind,
      priority: view.priority,
      inFlight: view.inFlight,
      maxConcurrent: view.maxConcurrent,
      slots: view.slots,
      latencyEwmaMs: view.latencyEwmaMs === null ? null : Math.round(view.latencyEwmaMs * 10) / 10,
      rtfEwma: view.rtfEwma === null ? null : Math.round(view.rtfEwma * 1000) / 1000,
    };
  }
}

function key(service: ServiceName, instanceId: string): string {
  return `${service}/${instanceId}`;
}

function isoOrNull(time: number | null | undefined): string | null {
  return time === null || time === undefined ? null : new Date(time).toISOString();
}
