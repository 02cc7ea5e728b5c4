import { DomainEvents } from '@app/common';
import { ConfigStore, loadConfig, type OrchestrationConfig } from '@app/config';
import type { CapacityChangedEvent } from './backend-client';
import { BackendPool } from './backend-pool';

/** A pool from WHISPER_SERVICE_URL entries (`kind=url|weight|cap`), breakers opening at the first failure. */
function poolOf(whisper: string, tune: (config: OrchestrationConfig) => void = () => undefined) {
  const events = new DomainEvents();
  const config = loadConfig({ env: { CONFIG_FILE: '', WHISPER_SERVICE_URL: whisper }, cwd: '/nonexistent' });
  config.gateway.circuitBreakerThreshold = 1;
  tune(config);
  const pool = new BackendPool(new ConfigStore(config, events), events);
  const told: CapacityChangedEvent[] = [];
  events.on('gateway.capacity', (event) => told.push(event));
  return { pool, told };
}

const failOnce = (pool: BackendPool, id: string) =>
  pool
    .service('whisper')
    .find(id)!
    .execute(() => Promise.resolve({ status: 500 }));

describe('BackendPool capacity', () => {
  let pool: BackendPool | undefined;
  afterEach(() => {
    pool?.onModuleDestroy();
    pool = undefined;
    jest.useRealTimers();
  });

  it('counts each instance by its configured cap, else its kind: whisper-cpp 1, an uncapped OpenAI-compatible server 4', () => {
    const built = poolOf(
      'openai=http://gpu:8000|1|8, whisper-cpp=http://cpu:8080, openai=http://other:8000, http://own:5001',
    );
    pool = built.pool;
    expect(pool.instances('whisper').map((view) => [view.slots, view.maxConcurrent])).toEqual([
      [8, 8],
      [1, 1],
      // Uncapped: the gateway still lets 100 calls through, but capacity assumes the kind's decoder slots.
      [4, 100],
      [4, 100],
    ]);
    expect(pool.capacity('whisper')).toBe(17);
  });

  it('never counts more slots than the gateway lets through to an instance', () => {
    pool = poolOf('openai=http://a:1, openai=http://b:1|1|3', (config) => {
      config.gateway.maxConcurrentPerInstance = 2;
    }).pool;
    // The kind's 4 assumed slots, and the instance's own cap of 3, are both above the gateway's cap of 2.
    expect(pool.instances('whisper').map((view) => [view.slots, view.maxConcurrent])).toEqual([
      [2, 2],
      [3, 3],
    ]);
  });

  it('drops an instance taken out of rotation and tells the new capacity; counts it again when it returns', () => {
    const built = poolOf('openai=http://a:1|1|2, openai=http://b:1|1|3');
    pool = built.pool;
    pool.setInstanceHealth('whisper', 'whisper-1', false);
    expect(pool.capacity('whisper')).toBe(2);
    pool.setInstanceHealth('whisper', 'whisper-0', false);
    expect(pool.capacity('whisper')).toBe(0);
    pool.setInstanceHealth('whisper', 'whisper-1', true);
    pool.setInstanceHealth('whisper', 'whisper-1', true);
    expect(built.told).toEqual([
      { service: 'whisper', slots: 2, previous: 5 },
      { service: 'whisper', slots: 0, previous: 2 },
      { service: 'whisper', slots: 3, previous: 0 },
    ]);
  });

  it('drops an instance whose breaker opens, counts one slot (the probe) once the probe is due, and all again when it closes', async () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1), doNotFake: ['nextTick', 'setImmediate'] });
    const built = poolOf('openai=http://a:1|1|2, openai=http://b:1|1|3', (config) => {
      config.gateway.circuitBreakerResetTimeout = 5;
    });
    pool = built.pool;
    await failOnce(pool, 'whisper-1');
    expect(pool.capacity('whisper')).toBe(2);
    jest.advanceTimersByTime(5000);
    expect(built.told.map((event) => event.slots)).toEqual([2, 3]);
    await pool
      .service('whisper')
      .find('whisper-1')!
      .execute(() => Promise.resolve({ status: 200 }));
    expect(pool.capacity('whisper')).toBe(5);
    expect(built.told.at(-1)).toEqual({ service: 'whisper', slots: 5, previous: 3 });
  });

  it('is 0 while every breaker is open, and one per instance once their probes are due', async () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 0, 1), doNotFake: ['nextTick', 'setImmediate'] });
    const built = poolOf('openai=http://a:1|1|2, openai=http://b:1|1|3', (config) => {
      config.gateway.circuitBreakerResetTimeout = 5;
    });
    pool = built.pool;
    await failOnce(pool, 'whisper-0');
    await failOnce(pool, 'whisper-1');
    expect(pool.capacity('whisper')).toBe(0);
    jest.advanceTimersByTime(4999);
    expect(pool.capacity('whisper')).toBe(0);
    jest.advanceTimersByTime(1);
    expect(pool.capacity('whisper')).toBe(2);
    // Both probes fall due at the same moment: told once.
    expect(built.told.map((event) => event.slots)).toEqual([3, 0, 2]);
  });

  it('counts the tier calls go to: a backup tier only while every instance of the first is out', () => {
    // Priority is YAML-only: set it on the validated instances.
    pool = poolOf('openai=http://a:1|1|2, openai=http://b:1|1|6', (config) => {
      config.services.whisper.instances[1].priority = 1;
    }).pool;
    expect(pool.capacity('whisper')).toBe(2);
    pool.setInstanceHealth('whisper', 'whisper-0', false);
    expect(pool.capacity('whisper')).toBe(6);
  });
});
