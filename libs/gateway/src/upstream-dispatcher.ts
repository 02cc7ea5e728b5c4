import { Injectable } from '@nestjs/common';
import { TaskCancelledError } from 'cockatiel';
import { performance } from 'node:perf_hooks';
import type { ServiceName } from '@app/config';
import type { BackendInstance } from './backend-instance';
import { BackendPool } from './backend-pool';
import { CallerAbortedError, NoInstanceAvailableError, isBackendFailure, outcomeOf } from './gateway-errors';
import { GatewayStats } from './gateway-stats';
import { isFailedAnswer } from './instance-policies';

export interface UpstreamCall<T extends { status: number }> {
  /** Whether the call may be repeated: idempotent method and a body that can be sent again. */
  retryable: boolean;
  /** Only this instance, once (see BackendRequest.instanceId). */
  instanceId?: string;
  /** Only instances for which this holds (the proxy's kinds); retries stay among them. */
  eligible?: (instance: BackendInstance) => boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** One attempt at the chosen instance; must honour the signal. */
  attempt(instance: BackendInstance, signal: AbortSignal): Promise<T>;
  /** Frees an answer that is being replaced by a retry (a streamed body must be drained or destroyed). */
  discard?(answer: T): void;
}

/** The answer that is handed to the caller, with the instance that gave it. */
export interface Delivered<T> {
  status: number;
  answer: T;
  instance: BackendInstance;
  /**
   * Ends the call's bookkeeping (in-flight count, duration, outcome) once the caller is done with the body;
   * pass the error when the body failed after the answer had started.
   */
  settle(bodyError?: unknown): void;
}

/**
 * Where the gateway's routing, retry and bookkeeping meet: each attempt picks an instance (preferring one
 * this call has not tried), goes through that instance's breaker, bulkhead and timeout, and is counted at
 * that instance. The service's retry policy repeats failed attempts for retryable calls. Both the proxy and
 * the typed client call through here, so every backend call gets the same treatment.
 */
@Injectable()
export class UpstreamDispatcher {
  constructor(
    private readonly pool: BackendPool,
    private readonly stats: GatewayStats,
  ) {}

  async dispatch<T extends { status: number }>(
    service: ServiceName,
    call: UpstreamCall<T>,
  ): Promise<Delivered<T>> {
    const backends = this.pool.service(service);
    const tried = new Set<string>();
    const pinned = (instanceId: string): BackendInstance => {
      const instance = backends.find(instanceId);
      // Gone with a configuration change since it was picked, or marked down since: the caller picks again.
      if (!instance || !instance.routable()) throw new NoInstanceAvailableError('unavailable');
      return instance;
    };
    // A 5xx answer that the retry policy may replace; it is released when the next attempt starts.
    let replaceable: Delivered<T> | undefined;
    const attemptOnce = async (): Promise<Delivered<T>> => {
      if (replaceable) {
        call.discard?.(replaceable.answer);
        replaceable.settle();
        replaceable = undefined;
      }
      const instance = call.instanceId ? pinned(call.instanceId) : backends.pick(tried, call.eligible);
      tried.add(instance.id);
      const delivered = await this.attemptAt(service, instance, call);
      if (isFailedAnswer(delivered)) replaceable = delivered;
      return delivered;
    };
    try {
      return call.retryable && !call.instanceId
        ? await backends.retry.execute(attemptOnce, call.signal)
        : await attemptOnce();
    } catch (error) {
      if (error instanceof NoInstanceAvailableError) this.stats.record(service, null, outcomeOf(error), null);
      throw error;
    }
  }

  private async attemptAt<T extends { status: number }>(
    service: ServiceName,
    instance: BackendInstance,
    call: UpstreamCall<T>,
  ): Promise<Delivered<T>> {
    const release = instance.acquire();
    const started = performance.now();
    let settled = false;
    try {
      const answer = await instance.execute((signal) => call.attempt(instance, signal), {
        signal: call.signal,
        timeoutMs: call.timeoutMs,
      });
      return {
        status: answer.status,
        answer,
        instance,
        settle: (bodyError?: unknown) => {
          if (settled) return;
          settled = true;
          release();
          const outcome = bodyError ? outcomeOf(bodyError) : isFailedAnswer(answer) ? 'error' : 'success';
          this.stats.record(service, instance.id, outcome, performance.now() - started);
        },
      };
    } catch (error) {
      release();
      // A caller that gave up says nothing about the backend.
      if (!(error instanceof CallerAbortedError || error instanceof TaskCancelledError)) {
        // Refusals by the breaker or bulkhead took no backend time, so they stay out of the latencies.
        const duration = isBackendFailure(error) ? performance.now() - started : null;
        this.stats.record(service, instance.id, outcomeOf(error), duration);
      }
      throw error;
    }
  }
}
