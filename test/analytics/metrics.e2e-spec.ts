import request from 'supertest';
import { DomainEvents } from '@app/common';
import { startApp, type RunningApp } from '../support/app-harness';
import { scrape } from '../support/prometheus-scrape';

const HTTP_REQUESTS = 'orchestration_http_requests_total';
const HTTP_DURATION = 'orchestration_http_request_duration_seconds';
const ACTIVITY = 'orchestration_activity_events_total';

describe('GET /metrics (instrumentation on)', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.close());

  it('serves Prometheus text with the right content type, default process metrics and our families', async () => {
    const response = await request(running.url).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const exposition = await scrape(running.url);
    expect(exposition.family('process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    expect(exposition.family('nodejs_heap_size_used_bytes')?.type).toBe('GAUGE');
    expect(exposition.family(HTTP_REQUESTS)?.type).toBe('COUNTER');
    expect(exposition.family(HTTP_DURATION)?.type).toBe('HISTOGRAM');
    expect(exposition.family(ACTIVITY)?.type).toBe('COUNTER');
  });

  it('counts and times a request under its route pattern, method and status', async () => {
    const route = { method: 'GET', route: '/api/health/live' };
    const before = await scrape(running.url);
    await request(running.url).get('/api/health/live').expect(200);
    await request(running.url).get('/api/health/live?probe=1').expect(200);
    const after = await scrape(running.url);
    expect(after.value(HTTP_REQUESTS, { ...route, status: '200' })).toBe(
      before.value(HTTP_REQUESTS, { ...route, status: '200' }) + 2,
    );
    expect(after.histogramCount(HTTP_DURATION, route)).toBe(before.histogramCount(HTTP_DURATION, route) + 2);
  });

  it('labels unknown paths "unmatched" and never puts a raw URL into a label', async () => {
    const before = await scrape(running.url);
    await request(running.url).get('/no/such/page-8f3a').expect(404);
    const after = await scrape(running.url);
    const unmatched = { method: 'GET', route: 'unmatched', status: '404' };
    expect(after.value(HTTP_REQUESTS, unmatched)).toBe(before.value(HTTP_REQUESTS, unmatched) + 1);
    const routes = after.series(HTTP_REQUESTS).map((sample) => sample.labels?.route);
    expect(routes.some((route) => route?.includes('8f3a'))).toBe(false);
    expect(routes.some((route) => route?.includes('?'))).toBe(false);
  });

  it('counts activity events by level', async () => {
    const before = await scrape(running.url);
    running.app.get(DomainEvents).activity('error', 'test', 'backend exploded');
    const after = await scrape(running.url);
    expect(after.value(ACTIVITY, { level: 'error' })).toBe(before.value(ACTIVITY, { level: 'error' }) + 1);
    expect(after.value(ACTIVITY, { level: 'critical' })).toBe(before.value(ACTIVITY, { level: 'critical' }));
  });
});

describe('GET /api/metrics', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.close());

  it('returns the registry figures as JSON with rates and the trend series', async () => {
    await request(running.url).get('/api/health/live').expect(200);
    const body = (await request(running.url).get('/api/metrics').expect(200)).body;
    expect(body.instrumentation_enabled).toBe(true);
    expect(body.http.requests_total).toBeGreaterThanOrEqual(1);
    expect(body.http.by_status_class['2xx']).toBeGreaterThanOrEqual(1);
    expect(body.http.top_routes).toContainEqual(
      expect.objectContaining({ method: 'GET', route: '/api/health/live', requests: 1 }),
    );
    expect(body.http.latency_ms.p95).toEqual(expect.any(Number));
    expect(body.rates).toEqual(
      expect.objectContaining({
        http_requests_per_second: expect.any(Number),
        websocket_messages_per_second: expect.any(Number),
      }),
    );
    expect(body.rates.http_requests_per_second).toBeGreaterThan(0);
    expect(body.series).toEqual({ resolution_seconds: 10, window_seconds: 3600, points: [] });
    expect(body.process.resident_memory_bytes).toBeGreaterThan(0);
    expect(body.activity.by_level.info).toBeGreaterThanOrEqual(1);
  });
});

describe('instrumentation off (METRICS_ENABLED=false)', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ METRICS_ENABLED: 'false' });
  });
  afterAll(() => running.close());

  it('records no HTTP series but still serves the registry', async () => {
    await request(running.url).get('/api/health/live').expect(200);
    const exposition = await scrape(running.url);
    expect(exposition.series(HTTP_REQUESTS)).toHaveLength(0);
    expect(exposition.family('process_cpu_user_seconds_total')).toBeDefined();
    const body = (await request(running.url).get('/api/metrics').expect(200)).body;
    expect(body.instrumentation_enabled).toBe(false);
  });

  it('rejects a METRICS_ENABLED that is not a switch, naming the variable', async () => {
    await expect(startApp({ METRICS_ENABLED: 'maybe' })).rejects.toThrow(/METRICS_ENABLED/);
  });
});
