import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DomainEvents } from '@app/common';
import {
  ConfigStore,
  SERVICE_NAMES,
  engineKindFacts,
  instanceKind,
  type OrchestrationConfig,
  type ServiceInstanceConfig,
  type ServiceName,
  type ServicesSection,
} from '@app/config';
import type {
  BackendInstanceView,
  BackendRegistry,
  BackendRouter,
  BreakerState,
  InstanceLease,
  LeaseOptions,
  PickOptions,
  ServiceCapacity,
} from './backend-client';
import { BackendInstance } from './backend-instance';
import { serviceRetry, type InstancePolicySettings } from './instance-policies';
import { ServiceBackends } from './service-backends';

/**
 * An instance's policies and its slots: concurrent calls are its own cap, then the service's, its kind's
 * (whisper.cpp: 1), the gateway's. Slots (what capacity counts) are the configured cap, else the kind's
 * decoder slots (`decodeSlots`), else the cap: the gateway's default cap bounds a queue, not a decoder.
 */
function instanceSettings(
  config: OrchestrationConfig,
  service: ServiceName,
  entry: ServiceInstanceConfig,
  kind: string,
): { settings: InstancePolicySettings; slots: number } {
  const { gateway } = config;
  const facts = engineKindFacts(service, kind);
  const configured =
    entry.maxConcurrent ?? config.services[service].maxConcurrentPerInstance ?? facts.maxConcurrent;
  const maxConcurrent = configured ?? gateway.maxConcurrentPerInstance;
  return {
    settings: {
      timeoutMs: gateway.timeout * 1000,
      failureThreshold: gateway.circuitBreakerThreshold,
      halfOpenAfterMs: gateway.circuitBreakerResetTimeout * 1000,
      maxConcurrent,
      maxQueue: gateway.maxQueuePerInstance,
    },
    slots: Math.min(maxConcurrent, configured ?? facts.decodeSlots ?? maxConcurrent),
  };
}

/**
 * Every backend instance with its policies: the gateway's BackendRegistry. Rebuilt when the gateway or
 * services configuration changes (new breakers, bulkheads and weights; health marks survive for instances
 * whose id and URL stay the same). Calls already under way finish on the policies they started with.
 */
@Injectable()
export class BackendPool implements BackendRegistry, BackendRouter, ServiceCapacity, OnModuleDestroy {
  private services: Record<ServiceName, ServiceBackends>;
  private readonly unsubscribe: () => void;
  /** Each service's capacity as last told (`gateway.capacity`). */
  private readonly told = new Map<ServiceName, number>();
  /** Per instance whose breaker opened, the timer that tells when its probe is due. */
  private readonly probeTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly configStore: ConfigStore,
    private readonly events: DomainEvents,
  ) {
    this.services = this.build(configStore.current);
    for (const name of SERVICE_NAMES) this.told.set(name, this.services[name].capacity());
    this.unsubscribe = events.on('config.changed', ({ current, changedSections }) => {
      if (changedSections.includes('gateway') || changedSections.includes('services')) {
        const previous = this.services;
        this.services = this.build(current, previous);
        SERVICE_NAMES.forEach((name) => previous[name].dispose());
        SERVICE_NAMES.forEach((name) => this.tellCapacity(name));
      }
    });
  }

  capacity(service: ServiceName): number {
    return this.services[service].capacity();
  }

  service(name: ServiceName): ServiceBackends {
    return this.services[name];
  }

  all(): BackendInstance[] {
    return SERVICE_NAMES.flatMap((name) => [...this.services[name].instances]);
  }

  instances(service: ServiceName): BackendInstanceView[] {
    return this.services[service].instances.map((instance) => instance.view());
  }

  setInstanceHealth(service: ServiceName, instanceId: string, healthy: boolean): void {
    const instance = this.services[service].find(instanceId);
    if (!instance) return;
    instance.healthy = healthy;
    this.tellCapacity(service);
  }

  pick(service: ServiceName, options: PickOptions = {}): BackendInstanceView {
    const { eligible } = options;
    return this.services[service]
      .pick(options.tried ?? new Set(), eligible && ((instance) => eligible(instance.view())), options.size)
      .view();
  }

  async lease(service: ServiceName, options: LeaseOptions = {}): Promise<InstanceLease> {
    const { eligible } = options;
    const lease = await this.services[service].lease({
      tried: options.tried ?? new Set(),
      eligible: eligible && ((instance) => eligible(instance.view())),
      size: options.size,
      signal: options.signal,
    });
    return { instance: lease.instance.view(), finish: lease.finish };
  }

  slowDown(service: ServiceName, instanceId: string, forMs: number): void {
    this.services[service].find(instanceId)?.slowDown(forMs);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
    for (const timer of this.probeTimers.values()) clearTimeout(timer);
    SERVICE_NAMES.forEach((name) => this.services[name].dispose());
  }

  private build(
    config: OrchestrationConfig,
    previous?: Record<ServiceName, ServiceBackends>,
  ): Record<ServiceName, ServiceBackends> {
    const services: ServicesSection = config.services;
    const retry = {
      retries: config.gateway.retries,
      baseDelayMs: config.gateway.retryBaseDelayMs,
      maxDelayMs: config.gateway.retryMaxDelayMs,
    };
    const build = (name: ServiceName): ServiceBackends => {
      const instances = services[name].instances.map((entry, index) => {
        const kind = instanceKind(services[name], entry);
        const { settings, slots } = instanceSettings(config, name, entry, kind);
        const instance = new BackendInstance(
          name,
          index,
          { url: entry.url, weight: entry.weight, kind, priority: entry.priority ?? 0, slots },
          settings,
          this.onBreaker,
        );
        const before = previous?.[name].find(instance.id);
        if (before && before.url === instance.url && before.kind === kind) {
          instance.healthy = before.healthy;
          instance.speed.adopt(before.speed);
        }
        return instance;
      });
      // A call waits for a free instance as long as for an answer, and as many may wait as the bulkheads hold.
      const wait = {
        routing: config.gateway.routing,
        maxWaiting: config.gateway.maxQueuePerInstance * instances.length,
        maxWaitMs: config.gateway.timeout * 1000,
      };
      return new ServiceBackends(name, instances, serviceRetry(retry), wait);
    };
    return { whisper: build('whisper'), speaker: build('speaker'), translation: build('translation') };
  }

  /** Emits `gateway.capacity` when the service's capacity differs from what was last told. */
  private tellCapacity(service: ServiceName): void {
    const slots = this.services[service].capacity();
    const previous = this.told.get(service) ?? 0;
    if (slots === previous) return;
    this.told.set(service, slots);
    this.events.emit('gateway.capacity', { service, slots, previous });
  }

  /**
   * A breaker that opens takes its instance's slots away; when its probe is due the instance counts one
   * slot again (the probe), so a pool whose every breaker opened is not refused for ever for want of a call.
   */
  private followBreaker(instance: BackendInstance): void {
    clearTimeout(this.probeTimers.get(instance.id));
    this.probeTimers.delete(instance.id);
    const dueAt = instance.probeDueAt;
    if (dueAt !== undefined) {
      const timer = setTimeout(
        () => {
          this.probeTimers.delete(instance.id);
          this.tellCapacity(instance.service);
        },
        Math.max(0, dueAt - Date.now()),
      );
      timer.unref();
      this.probeTimers.set(instance.id, timer);
    }
    this.tellCapacity(instance.service);
  }

  private readonly onBreaker = (instance: BackendInstance, previous: BreakerState, state: BreakerState) => {
    this.events.emit('gateway.breaker', {
      service: instance.service,
      instanceId: instance.id,
      state,
      previous,
    });
    // Only an instance of the current list: one replaced by a reconfiguration no longer counts.
    if (this.services[instance.service].find(instance.id) === instance) this.followBreaker(instance);
    const { failureThreshold, halfOpenAfterMs } = instance.settings;
    const message =
      state === 'open' && previous === 'half_open'
        ? `Circuit re-opened for ${instance.id}: the half-open probe failed; next probe in ${halfOpenAfterMs / 1000} s`
        : state === 'open'
          ? `Circuit opened for ${instance.id} (${instance.url}) after ${failureThreshold} consecutive failures; next probe in ${halfOpenAfterMs / 1000} s`
          : state === 'half_open'
            ? `Circuit half-open for ${instance.id}: probing with one request`
            : `Circuit closed for ${instance.id}: backend answering again`;
    this.events.activity(state === 'open' ? 'warning' : 'info', 'gateway', message, {
      service: instance.service,
      instance: instance.id,
      state,
      previous,
    });
  };
}
