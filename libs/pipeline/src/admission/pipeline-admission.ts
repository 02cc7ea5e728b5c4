import { HttpStatus, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { ApiError, DomainEvents } from '@app/common';
import { ConfigStore, SERVICE_NAMES, type ServiceName } from '@app/config';
import { BACKEND_REGISTRY, type BackendRegistry } from '@app/gateway';
import type { PipelineDriver } from '../drivers/pipeline-driver';
import { PIPELINE_STAGES, STAGE_SERVICE, type PipelineStage } from '../pipeline-names';
import type { PipelineMetrics } from '../pipeline-metrics';
import { PIPELINE_BUDGET, PIPELINE_DRIVER, PIPELINE_METRICS } from '../pipeline.tokens';
import type { AdmissionControl, AdmissionRequest } from './admission.types';
import type { HeldBytesBudget } from './held-bytes-budget';

/**
 * How soon a client refused for a full budget should try again: finished records are evicted and jobs in
 * flight finish within seconds, so a few seconds is enough to find room or be refused cheaply again.
 */
const FULL_RETRY_AFTER_SECONDS = 5;

/** The stage that calls each service, derived from the one table of stage → service. */
const SERVICE_STAGE = Object.fromEntries(
  PIPELINE_STAGES.map((stage) => [STAGE_SERVICE[stage], stage]),
) as Record<ServiceName, PipelineStage>;

/**
 * ADMISSION: says no in time. A service is unavailable while the gateway has no instance of it in rotation
 * (the health monitor takes a down instance out and puts it back when it serves again); it learns this from
 * the monitor's `health.changed` events, so a submission costs nothing while every service is up. In a
 * pipeline-worker process nothing takes instances out of rotation, and nothing submits.
 *
 * While a service is unavailable, a `backlog` submission is refused when its stage's queue is beyond the
 * configured depth or age, or as soon as a job of that stage has finally failed since the service was lost:
 * from then on the backlog provably only fails. Without that second rule a long outage keeps accepting as
 * fast as the queue fails its jobs (about half of a steady stream in the soak benchmark), and every one of
 * them leaves a failed record for `retention_seconds`: memory that grows for the whole outage.
 */
@Injectable()
export class PipelineAdmission implements AdmissionControl, OnModuleDestroy {
  private readonly unavailable = new Set<ServiceName>();
  /**
   * Per unavailable service, its stage's count of final failures when the service was lost (undefined when
   * the count could not be read: no evidence then, the queue limits still apply).
   */
  private readonly failuresAtLoss = new Map<ServiceName, Promise<number | undefined>>();
  private readonly changes = new EventEmitter();
  private readonly unsubscribe: (() => void)[];

  constructor(
    @Inject(BACKEND_REGISTRY) private readonly registry: BackendRegistry,
    @Inject(PIPELINE_DRIVER) private readonly driver: PipelineDriver,
    @Inject(PIPELINE_BUDGET) private readonly budget: HeldBytesBudget,
    @Inject(PIPELINE_METRICS) private readonly metrics: PipelineMetrics,
    private readonly config: ConfigStore,
    events: DomainEvents,
  ) {
    for (const service of SERVICE_NAMES) this.follow(service);
    this.unsubscribe = [
      events.on('health.changed', ({ service }) => this.follow(service)),
      // A new instance list starts in rotation; the gateway rebuilds it on the same event, so look after it.
      events.on('config.changed', ({ changedSections }) => {
        if (changedSections.includes('services'))
          setImmediate(() => SERVICE_NAMES.forEach((s) => this.follow(s)));
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.changes.removeAllListeners();
  }

  available(service: ServiceName): boolean {
    return !this.unavailable.has(service);
  }

  onAvailability(listener: (service: ServiceName, available: boolean) => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }

  async admit({ services, when = 'backlog', heldBytes }: AdmissionRequest): Promise<void> {
    for (const service of services) {
      if (this.available(service)) continue;
      const why = when === 'immediate' ? '' : await this.hopelessBacklog(service);
      if (why === undefined) continue;
      this.metrics.refused('BACKEND_UNAVAILABLE');
      const retryAfter = Math.max(1, Math.ceil(this.config.current.monitoring.healthCheckInterval));
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'BACKEND_UNAVAILABLE',
        `The ${service} service has no healthy instance${why}; retry in ${retryAfter} s`,
        { service, retry_after_seconds: retryAfter },
        { 'Retry-After': String(retryAfter) },
      );
    }
    if (heldBytes === undefined) return;
    const { fits, reading } = await this.budget.fits(heldBytes);
    if (fits) return;
    this.metrics.refused('PIPELINE_FULL');
    throw new ApiError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'PIPELINE_FULL',
      `The pipeline holds ${reading.heldBytes} of its ${reading.limitBytes} bytes (pipeline.max_held_bytes) ` +
        `with jobs still in flight; retry in ${FULL_RETRY_AFTER_SECONDS} s`,
      { retry_after_seconds: FULL_RETRY_AFTER_SECONDS },
      { 'Retry-After': String(FULL_RETRY_AFTER_SECONDS) },
    );
  }

  /**
   * Why a new job for the unavailable service would only join a backlog that fails (the end of the refusal
   * message), or undefined when it may still be accepted and retried.
   */
  private async hopelessBacklog(service: ServiceName): Promise<string | undefined> {
    const stage = SERVICE_STAGE[service];
    const atLoss = await this.failuresAtLoss.get(service);
    if (atLoss !== undefined && ((await this.finalFailures(stage)) ?? 0) > atLoss)
      return ` and its ${stage} jobs fail`;
    const { admissionQueueDepth, admissionQueueAgeSeconds } = this.config.current.pipeline;
    const backlog = await this.driver.backlog(stage);
    return backlog.jobs > admissionQueueDepth || backlog.oldestAgeMs > admissionQueueAgeSeconds * 1000
      ? ' and its queue is full'
      : undefined;
  }

  /** The stage's final failures counted by the pipeline state (shared by every process with Redis). */
  private finalFailures(stage: PipelineStage): Promise<number | undefined> {
    return this.driver.state.outcomes().then(
      (outcomes) => outcomes.totals[stage]?.failed ?? 0,
      () => undefined,
    );
  }

  private follow(service: ServiceName): void {
    const instances = this.registry.instances(service);
    const available = instances.length === 0 || instances.some((instance) => instance.healthy);
    if (available === this.available(service)) return;
    if (available) {
      this.unavailable.delete(service);
      this.failuresAtLoss.delete(service);
    } else {
      this.unavailable.add(service);
      this.failuresAtLoss.set(service, this.finalFailures(SERVICE_STAGE[service]));
    }
    this.changes.emit('change', service, available);
  }
}
