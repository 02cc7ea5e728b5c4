import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DomainEvents } from '@app/common';
import { startApp, type RunningApp } from '../support/app-harness';

/** A config file with the smallest allowed log, so the bound is reached with a few events. */
function smallLogConfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'analytics-logs-')), 'orchestration.yaml');
  writeFileSync(file, 'metrics:\n  activity_log_size: 10\n');
  return file;
}

describe('GET /api/logs', () => {
  let running: RunningApp;
  let events: DomainEvents;
  beforeAll(async () => {
    running = await startApp({ CONFIG_FILE: smallLogConfig() });
    events = running.app.get(DomainEvents);
  });
  afterAll(() => running.close());

  it('records the start of the service', async () => {
    const body = (await request(running.url).get('/api/logs?source=orchestration').expect(200)).body;
    expect(body.logs[body.logs.length - 1].message).toMatch(/started/);
  });

  it('keeps only the configured number of entries, newest first', async () => {
    for (let i = 1; i <= 15; i++) events.activity('info', 'bound-test', `event ${i}`);
    const body = (await request(running.url).get('/api/logs?limit=1000').expect(200)).body;
    expect(body.total).toBe(10);
    expect(body.count).toBe(10);
    expect(body.logs.map((entry: { message: string }) => entry.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `event ${15 - i}`),
    );
    const ids = body.logs.map((entry: { id: number }) => entry.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(Date.parse(body.logs[0].time)).not.toBeNaN();
  });

  it('filters by minimum level, by source, and limits', async () => {
    events.activity('warning', 'gateway', 'translation-0 slow');
    events.activity('error', 'gateway', 'breaker opened for whisper-0');
    events.activity('critical', 'health', 'whisper is down');
    events.activity('info', 'gateway', 'breaker closed for whisper-0');

    const errors = (await request(running.url).get('/api/logs?level=error').expect(200)).body;
    expect(errors.logs.map((e: { message: string }) => e.message)).toEqual([
      'whisper is down',
      'breaker opened for whisper-0',
    ]);
    const gateway = (await request(running.url).get('/api/logs?source=gateway').expect(200)).body;
    expect(gateway.logs.every((e: { source: string }) => e.source === 'gateway')).toBe(true);
    expect(gateway.count).toBe(3);
    const limited = (await request(running.url).get('/api/logs?limit=2').expect(200)).body;
    expect(limited.logs.map((e: { message: string }) => e.message)).toEqual([
      'breaker closed for whisper-0',
      'whisper is down',
    ]);
  });

  it('rejects bad filters with 400 naming the field', async () => {
    const level = await request(running.url).get('/api/logs?level=loud').expect(400);
    expect(level.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['level']);
    const limit = await request(running.url).get('/api/logs?limit=0').expect(400);
    expect(limit.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['limit']);
    await request(running.url).get('/api/logs?limit=1001').expect(400);
    await request(running.url).get('/api/logs?colour=red').expect(400);
  });
});
