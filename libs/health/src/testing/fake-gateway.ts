import type { ServiceName } from '@app/config';
import type {
  BackendClient,
  BackendInstanceView,
  BackendRegistry,
  ProbeOptions,
  ProbeResult,
} from '@app/gateway';

type ProbeAnswer = (path: string, timeoutMs: number) => Promise<ProbeResult>;

/**
 * In-memory stand-ins for the gateway's registry and probe, for unit tests of the monitor. Each instance's
 * probe behaviour is set per test; every call is recorded.
 */
export class FakeGateway implements BackendRegistry, BackendClient {
  readonly views = new Map<ServiceName, BackendInstanceView[]>();
  readonly probes: { service: ServiceName; instanceId: string; path: string; timeoutMs: number }[] = [];
  readonly healthChanges: { instanceId: string; healthy: boolean }[] = [];
  private readonly answers = new Map<string, ProbeAnswer>();

  /** The kind is the instance's own, as the gateway resolves it (the monitor probes by it). */
  addInstance(service: ServiceName, id: string, kind = 'livetranslate'): BackendInstanceView {
    const view: BackendInstanceView = {
      id,
      service,
      url: `http://127.0.0.1/${id}`,
      weight: 1,
      kind,
      priority: 0,
      healthy: true,
      breaker: 'closed',
      breakerChangedAt: null,
      inFlight: 0,
      maxConcurrent: 100,
      slots: 100,
      latencyEwmaMs: null,
      rtfEwma: null,
    };
    this.views.set(service, [...(this.views.get(service) ?? []), view]);
    return view;
  }

  removeInstance(service: ServiceName, id: string): void {
    this.views.set(
      service,
      (this.views.get(service) ?? []).filter((view) => view.id !== id),
    );
  }

  answer(instanceId: string, answer: ProbeAnswer): void {
    this.answers.set(instanceId, answer);
  }

  answerStatus(instanceId: string, status: number, body: unknown = {}): void {
    this.answer(instanceId, async () => ({
      status,
      headers: {},
      body: Buffer.from(JSON.stringify(body)),
      durationMs: 2,
    }));
  }

  refuse(instanceId: string): void {
    this.answer(instanceId, () => Promise.reject(new Error('connect ECONNREFUSED')));
  }

  instances(service: ServiceName): BackendInstanceView[] {
    return this.views.get(service) ?? [];
  }

  setInstanceHealth(service: ServiceName, instanceId: string, healthy: boolean): void {
    const view = this.instances(service).find((v) => v.id === instanceId);
    if (view) view.healthy = healthy;
    this.healthChanges.push({ instanceId, healthy });
  }

  probe(
    service: ServiceName,
    instanceId: string,
    path: string,
    options: ProbeOptions = {},
  ): Promise<ProbeResult> {
    const timeoutMs = options.timeoutMs ?? 0;
    this.probes.push({ service, instanceId, path, timeoutMs });
    const answer = this.answers.get(instanceId);
    return answer ? answer(path, timeoutMs) : Promise.reject(new Error(`no answer set for ${instanceId}`));
  }

  request(): never {
    throw new Error('the health monitor only probes');
  }
}
