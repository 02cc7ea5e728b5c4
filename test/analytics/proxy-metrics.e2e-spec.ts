import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { scrape } from '../support/prometheus-scrape';

/** A loopback whisper backend that answers every path, so proxied calls succeed. */
function startBackend(): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'healthy', path: req.url }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('HTTP metrics for proxied requests', () => {
  let backend: Server;
  let running: RunningApp;
  beforeAll(async () => {
    backend = await startBackend();
    const { port } = backend.address() as AddressInfo;
    running = await startApp({ WHISPER_SERVICE_URL: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await running.close();
    await new Promise((resolve) => backend.close(resolve));
  });

  it('labels proxied calls with the proxy route pattern, not the backend path, and counts the gateway call', async () => {
    const before = await scrape(running.url);
    await request(running.url).get('/api/whisper/models/large-v3?session=abc').expect(200);
    await request(running.url).get('/api/whisper/health').expect(200);
    const after = await scrape(running.url);
    const proxied = { method: 'GET', route: '/api/whisper/*', status: '200' };
    const httpRequests = 'orchestration_http_requests_total';
    expect(after.value(httpRequests, proxied)).toBe(before.value(httpRequests, proxied) + 2);
    const routes = after.series(httpRequests).map((sample) => sample.labels?.route ?? '');
    expect(routes.filter((route) => route.includes('large-v3') || route.includes('abc'))).toEqual([]);
    const gateway = { service: 'whisper', outcome: 'success' };
    const gatewayRequests = 'orchestration_gateway_requests_total';
    expect(after.value(gatewayRequests, gateway)).toBeGreaterThanOrEqual(
      before.value(gatewayRequests, gateway) + 2,
    );
    const atInstance = { ...gateway, backend_instance: 'whisper-0' };
    expect(after.value(gatewayRequests, atInstance)).toBeGreaterThanOrEqual(
      before.value(gatewayRequests, atInstance) + 2,
    );
  });

  it('reports the gateway per backend instance in GET /api/metrics, read from the backend_instance label', async () => {
    await request(running.url).get('/api/whisper/health').expect(200);
    const body = (await request(running.url).get('/api/metrics').expect(200)).body;
    expect(body.gateway.instances).toContainEqual(
      expect.objectContaining({
        service: 'whisper',
        instance: 'whisper-0',
        requests: expect.any(Number),
        breaker: 'closed',
      }),
    );
    const whisper = body.gateway.instances.find(
      (entry: { instance: string }) => entry.instance === 'whisper-0',
    );
    expect(whisper.requests).toBeGreaterThanOrEqual(1);
    expect(body.gateway.instances.map((entry: { instance: string }) => entry.instance)).not.toContain(
      'undefined',
    );
  });
});
