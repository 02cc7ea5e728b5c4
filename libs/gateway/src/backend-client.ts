import type { Readable } from 'node:stream';
import type { BREAKER_STATES } from '@app/common';
import type { ServiceName } from '@app/config';
import type { CallSize } from './instance-speed';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A call to a backend service, made by other modules through the gateway's policies and balancing. */
export interface BackendRequest {
  method: HttpMethod;
  /** Path under the instance's base URL, starting with '/'; may carry a query string. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Raw body; use `json` for a JSON body (content-type is then set). */
  body?: Buffer | string | Readable | FormData;
  json?: unknown;
  /** Per attempt; defaults to the gateway timeout. */
  timeoutMs?: number;
  /** Whether retries are allowed; defaults to true for GET, PUT and DELETE, false for POST. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Correlates the call with the request or event that caused it (sent as X-Request-Id). */
  requestId?: string;
  /**
   * Send to this instance only, through its breaker, bulkhead and timeout but with no retry: the engines'
   * router picks instances itself (by kind and capability) and moves a failed call to another.
   */
  instanceId?: string;
}

/** A backend's answer, fully read. Any HTTP status resolves; transport failures reject. */
export interface BackendResponse {
  status: number;
  ok: boolean;
  headers: Record<string, string>;
  body: Buffer;
  /** The instance that answered. */
  instanceId: string;
  instanceUrl: string;
  durationMs: number;
  text(): string;
  json<T>(): T;
}

/** A direct call to one instance (see `BackendClient.probe`). */
export interface ProbeOptions {
  /** Defaults to the gateway timeout. */
  timeoutMs?: number;
  /** The engine's credential, where its kind wants one even on these paths (OpenAI's `/v1/models`). */
  headers?: Record<string, string>;
}

export interface ProbeResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  durationMs: number;
}

/**
 * The gateway's client. `request` goes through the chosen instance's timeout, retry, breaker and bulkhead
 * and rejects with an ApiError of code BACKEND_UNAVAILABLE | BACKEND_TIMEOUT | CIRCUIT_OPEN | BAD_GATEWAY |
 * OVERLOADED when no answer can be had (5xx answers count as failures and are retried where allowed; the
 * last 5xx is returned if retries run out). `probe` GETs a path of one named instance directly, for the
 * questions the orchestrator asks about an instance rather than work it sends to it (health checks, model
 * and language discovery): no balancing, retry, breaker or concurrency slot, and not counted as traffic,
 * so they neither wait behind nor disturb the calls they are about; only a timeout.
 */
export interface BackendClient {
  request(service: ServiceName, request: BackendRequest): Promise<BackendResponse>;
  probe(service: ServiceName, instanceId: string, path: string, options?: ProbeOptions): Promise<ProbeResult>;
}

export const BACKEND_CLIENT = Symbol('BACKEND_CLIENT');

export type BreakerState = (typeof BREAKER_STATES)[number];

/** What the gateway knows about one backend instance. */
export interface BackendInstanceView {
  /** Stable id, e.g. `whisper-0`. */
  id: string;
  service: ServiceName;
  url: string;
  weight: number;
  /** The engine kind it speaks. */
  kind: string;
  /** Its tier: 0 first; a higher tier only while every lower one is unavailable. */
  priority: number;
  /** False when the health monitor marked it down; such an instance gets no traffic. */
  healthy: boolean;
  breaker: BreakerState;
  breakerChangedAt: string | null;
  /** Calls it is busy with (committed by the router, or under way). */
  inFlight: number;
  /** Its concurrency cap: calls beyond it wait for a free instance. */
  maxConcurrent: number;
  /**
   * Calls it works on at once, as its service's capacity counts them: its configured cap, else its kind's
   * decoder slots (ENGINE_KINDS `decodeSlots`), else its cap.
   */
  slots: number;
  /** Moving average of its engine calls' latency, ms; null until measured. */
  latencyEwmaMs: number | null;
  /** Moving average of its real-time factor (processing / audio duration); null until measured. */
  rtfEwma: number | null;
}

/** Which instances a call may go to, and which it has already tried. */
export interface PickOptions {
  eligible?: (instance: BackendInstanceView) => boolean;
  tried?: ReadonlySet<string>;
  /** The call's size, for its expected time at each instance. */
  size?: CallSize;
}

export interface LeaseOptions extends PickOptions {
  /** Gives up waiting for a free instance (the caller went away). */
  signal?: AbortSignal;
}

/** How a leased call ended, for the instance's speed measurements. */
export type LeaseOutcome = 'success' | 'timeout' | 'failure' | 'unmeasured';

/** One call committed to an instance: it counts against the instance's cap until `finish`. */
export interface InstanceLease {
  instance: BackendInstanceView;
  /**
   * Frees the instance for the next call (once; later calls do nothing). A success or a timeout is measured
   * (a timeout says the instance is at least that slow); other failures and `unmeasured` are not.
   */
  finish(outcome: LeaseOutcome): void;
}

/** The instance list, for the health monitor, which also feeds health back into routing. */
export interface BackendRegistry {
  instances(service: ServiceName): BackendInstanceView[];
  setInstanceHealth(service: ServiceName, instanceId: string, healthy: boolean): void;
}

export const BACKEND_REGISTRY = Symbol('BACKEND_REGISTRY');

/** Instance choice for the engines' router, which picks by kind and capability and fails over itself. */
export interface BackendRouter {
  instances(service: ServiceName): BackendInstanceView[];
  /**
   * The next eligible instance: lowest tier first, untried ones preferred, those that asked to slow down
   * last, those below their concurrency cap before full ones; within that, the one expected to finish the
   * call first (weighted round-robin while unmeasured). Throws NoInstanceAvailableError when none may take
   * a call.
   */
  pick(service: ServiceName, options?: PickOptions): BackendInstanceView;
  /**
   * Like `pick`, among instances below their concurrency cap, and holds a place there until the lease is
   * finished. When every eligible instance is at its cap, waits in a first-come-first-served queue for one
   * to free up; rejects with an OVERLOADED ApiError when the queue is full or the wait exceeds the gateway
   * timeout, and with NoInstanceAvailableError when none may take a call at all.
   */
  lease(service: ServiceName, options?: LeaseOptions): Promise<InstanceLease>;
  /** A 429 with Retry-After: no new calls to the instance for that long while others can take them. */
  slowDown(service: ServiceName, instanceId: string, forMs: number): void;
}

export const BACKEND_ROUTER = Symbol('BACKEND_ROUTER');

/** What each service can serve at once, for callers that size their own work to it (live streams). */
export interface ServiceCapacity {
  /**
   * Calls the service can work on at once now: the slots of its instances that can serve (healthy, breaker
   * closed; one for a breaker waiting for its probe) in the tier calls go to; 0 when none can. Changes are
   * told on the `gateway.capacity` domain event.
   */
  capacity(service: ServiceName): number;
}

export const SERVICE_CAPACITY = Symbol('SERVICE_CAPACITY');

export interface BreakerTransitionEvent {
  service: ServiceName;
  instanceId: string;
  state: BreakerState;
  previous: BreakerState;
}

/** A service's capacity (BackendRouter.capacity) changed: an instance left or rejoined, or a breaker moved. */
export interface CapacityChangedEvent {
  service: ServiceName;
  slots: number;
  previous: number;
}

/** A health check of one instance finished (told by the health monitor; capability discovery follows it). */
export interface InstanceCheckedEvent {
  service: ServiceName;
  instanceId: string;
  state: 'up' | 'degraded' | 'down';
}

declare module '@app/common' {
  interface DomainEventMap {
    'gateway.breaker': BreakerTransitionEvent;
    'gateway.capacity': CapacityChangedEvent;
    'gateway.instance-checked': InstanceCheckedEvent;
  }
}
