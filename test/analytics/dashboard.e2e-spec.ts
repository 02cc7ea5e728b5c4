import request from 'supertest';
import { DomainEvents } from '@app/common';
import { startApp, type RunningApp } from '../support/app-harness';

describe('GET /api/dashboard', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.close());

  it('returns the first-paint bundle in one call', async () => {
    running.app.get(DomainEvents).activity('warning', 'dashboard-test', 'something to show');
    const body = (await request(running.url).get('/api/dashboard').expect(200)).body;
    expect(Object.keys(body).sort()).toEqual(
      [
        'activity',
        'alerts',
        'connections',
        'gateway',
        'health',
        'pipeline',
        'rates',
        'services',
        'timestamp',
      ].sort(),
    );
    expect(['healthy', 'degraded', 'unhealthy', 'unknown']).toContain(body.health.status);
    expect(body.health.monitor_available).toBe(true);
    expect(body.health.services_total).toBe(body.services.length);
    expect(Array.isArray(body.alerts)).toBe(true);
    expect(body.gateway.services.map((s: { service: string }) => s.service).sort()).toEqual([
      'speaker',
      'translation',
      'whisper',
    ]);
    expect(body.services.map((s: { service: string }) => s.service).sort()).toEqual([
      'speaker',
      'translation',
      'whisper',
    ]);
    expect(body.services[0].instances[0]).toEqual(
      expect.objectContaining({ instance_id: expect.any(String), status: expect.any(String) }),
    );
    expect(body.connections).toEqual(
      expect.objectContaining({ connections: expect.any(Number), peak: expect.any(Number) }),
    );
    expect(body.pipeline).toEqual(
      expect.objectContaining({ jobs: expect.any(Object), queue_depth: expect.any(Object) }),
    );
    expect(body.rates.http_requests_per_second).toEqual(expect.any(Number));
    expect(body.activity).toContainEqual(
      expect.objectContaining({ level: 'warning', source: 'dashboard-test', message: 'something to show' }),
    );
    expect(body.activity.length).toBeLessThanOrEqual(20);
  });
});
