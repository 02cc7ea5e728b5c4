import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@app/common';
import type { ConfigStore } from '@app/config';
import type { BackendInstanceView, BackendRouter, InstanceLease, PickOptions } from '@app/gateway';
import { EngineError } from '../engine-error';
import { EnginePool } from './engine-pool';

function view(id: string, kind: string): BackendInstanceView {
  return {
    id,
    service: 'whisper',
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
}

/** Picks in order, untried and not slowed down first, as the gateway's pool does. */
class OrderedRouter implements BackendRouter {
  readonly slowed = new Map<string, number>();
  /** How each lease ended, in order: `outcome@instance`. */
  readonly finished: string[] = [];
  constructor(readonly views: BackendInstanceView[]) {}
  instances(): BackendInstanceView[] {
    return this.views;
  }
  pick(_service: string, options: PickOptions = {}): BackendInstanceView {
    const eligible = this.views.filter((v) => v.healthy && (options.eligible?.(v) ?? true));
    const fresh = eligible.filter((v) => !options.tried?.has(v.id) && !this.slowed.has(v.id));
    const chosen = fresh[0] ?? eligible.find((v) => !options.tried?.has(v.id)) ?? eligible[0];
    if (!chosen) throw new Error('none');
    return chosen;
  }
  lease(service: string, options: PickOptions = {}): Promise<InstanceLease> {
    const instance = this.pick(service, options);
    return Promise.resolve({
      instance,
      finish: (outcome) => this.finished.push(`${outcome}@${instance.id}`),
    });
  }
  slowDown(_service: string, instanceId: string, forMs: number): void {
    this.slowed.set(instanceId, forMs);
  }
}

const config = {
  current: { gateway: { retries: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 5, timeout: 1 } },
} as unknown as ConfigStore;

function poolOf(router: OrderedRouter) {
  const calls: string[] = [];
  const pool = new EnginePool('whisper', router, config, (kind) => ({ kind }));
  return { pool, calls };
}

const refused = new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'BACKEND_UNAVAILABLE', 'connect ECONNREFUSED');

describe('EnginePool', () => {
  it('moves a failed call to an instance of another kind through that kind’s adapter', async () => {
    const router = new OrderedRouter([view('whisper-0', 'openai'), view('whisper-1', 'whisper-cpp')]);
    const { pool, calls } = poolOf(router);
    const result = await pool.run(
      () => true,
      async (adapter, instance) => {
        calls.push(`${adapter.kind}@${instance.id}`);
        if (instance.kind === 'openai') throw refused;
        return 'ok';
      },
    );
    expect(result).toBe('ok');
    expect(calls).toEqual(['openai@whisper-0', 'whisper-cpp@whisper-1']);
  });

  it('does not retry a refusal that another attempt cannot change', async () => {
    const router = new OrderedRouter([view('whisper-0', 'openai'), view('whisper-1', 'openai')]);
    const { pool, calls } = poolOf(router);
    const rejected = new EngineError(HttpStatus.BAD_GATEWAY, 'ENGINE_REJECTED', 'bad input', false);
    await expect(
      pool.run(
        () => true,
        async (_adapter, instance) => {
          calls.push(instance.id);
          throw rejected;
        },
      ),
    ).rejects.toBe(rejected);
    expect(calls).toEqual(['whisper-0']);
  });

  it('takes a 429 as slow-down: that instance is left alone for its Retry-After and another serves', async () => {
    const router = new OrderedRouter([view('whisper-0', 'openai'), view('whisper-1', 'openai')]);
    const { pool, calls } = poolOf(router);
    const slowDown = new EngineError(
      HttpStatus.SERVICE_UNAVAILABLE,
      'ENGINE_RATE_LIMITED',
      'Slowdown',
      true,
      {
        retry_after_seconds: 7,
      },
    );
    await pool.run(
      () => true,
      async (_adapter, instance) => {
        calls.push(instance.id);
        if (instance.id === 'whisper-0') throw slowDown;
        return 'ok';
      },
    );
    expect(calls).toEqual(['whisper-0', 'whisper-1']);
    expect(router.slowed.get('whisper-0')).toBe(7000);
  });

  it('gives up after every eligible instance and the configured retries, with the last failure', async () => {
    const router = new OrderedRouter([view('whisper-0', 'openai'), view('whisper-1', 'whisper-cpp')]);
    const { pool, calls } = poolOf(router);
    await expect(
      pool.run(
        (instance) => instance.kind === 'openai',
        async (_adapter, instance) => {
          calls.push(instance.id);
          throw refused;
        },
      ),
    ).rejects.toBe(refused);
    expect(calls).toEqual(['whisper-0', 'whisper-0']);
  });

  it('holds a lease per attempt and tells how each ended: work is measured, a timeout too, other calls not', async () => {
    const router = new OrderedRouter([view('whisper-0', 'openai'), view('whisper-1', 'openai')]);
    const { pool } = poolOf(router);
    const timedOut = new ApiError(HttpStatus.GATEWAY_TIMEOUT, 'BACKEND_TIMEOUT', 'no answer within 1 ms');
    await pool.run(
      () => true,
      async (_adapter, instance) => {
        if (instance.id === 'whisper-0') throw timedOut;
        return 'ok';
      },
      undefined,
      { audioMs: 1000 },
    );
    await pool.run(
      () => true,
      async () => 'models',
    );
    expect(router.finished).toEqual(['timeout@whisper-0', 'success@whisper-1', 'unmeasured@whisper-0']);
  });
});
