import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DomainEvents } from '@app/common';
import type { TrendPoint } from '@app/analytics';
import { startApp, type RunningApp } from '../support/app-harness';

/** The shortest sample interval, so the series grows within the test. */
function fastSamplingConfig(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'analytics-trend-')), 'orchestration.yaml');
  writeFileSync(file, 'metrics:\n  sample_interval: 1\n  history_window: 60\n');
  return file;
}

describe('trend sampler', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ CONFIG_FILE: fastSamplingConfig() });
  });
  afterAll(() => running.close());

  it('adds a point per interval with the traffic of that interval, and announces it', async () => {
    const announced: TrendPoint[] = [];
    running.app.get(DomainEvents).on('metrics.sampled', (point) => announced.push(point));
    for (let i = 0; i < 5; i++) await request(running.url).get('/api/health/live').expect(200);
    // Bounded wait: two intervals and a margin.
    const deadline = Date.now() + 5000;
    while (announced.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    expect(announced.length).toBeGreaterThanOrEqual(2);
    const body = (await request(running.url).get('/api/metrics').expect(200)).body;
    expect(body.series.resolution_seconds).toBe(1);
    expect(body.series.points.length).toBeGreaterThanOrEqual(2);
    const [first] = body.series.points;
    expect(first.interval_seconds).toBeGreaterThan(0.5);
    expect(first.interval_seconds).toBeLessThan(3);
    // The five requests are in the series whichever intervals they fell into: no other client talks to this app.
    const requests = body.series.points.reduce(
      (sum: number, p: { http_requests_per_second: number; interval_seconds: number }) =>
        sum + p.http_requests_per_second * p.interval_seconds,
      0,
    );
    expect(requests).toBeCloseTo(5, 0);
    expect(announced[0].httpRequestsPerSecond).toBe(first.http_requests_per_second);
    expect(announced[0].time).toBe(first.time);
  });
});
