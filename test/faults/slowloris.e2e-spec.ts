import { connect, type Socket } from 'node:net';
import { startApp, type RunningApp } from '../support/app-harness';
import { delay, runLoad } from '../support/load-loop';

const HEADERS_TIMEOUT_S = 1;
const SLOW_CLIENTS = 200;

interface SlowClient {
  socket: Socket;
  answer: string;
  closedAt?: number;
}

/**
 * A slowloris client: opens a connection and sends a request's headers a few bytes at a time, never
 * finishing them, to hold the connection for as long as the server lets it.
 */
function slowClient(url: string, started: number): SlowClient {
  const { hostname, port } = new URL(url);
  const client: SlowClient = { socket: connect(Number(port), hostname), answer: '' };
  const parts = [
    'GET /api/health/live HTTP/1.1\r\n',
    'Host: x\r\n',
    ...Array.from({ length: 50 }, (_, i) => `X-${i}: y\r\n`),
  ];
  let next = 0;
  const timer = setInterval(() => {
    if (next < parts.length && client.socket.writable) client.socket.write(parts[next++]);
  }, 150);
  client.socket.setEncoding('utf8');
  client.socket.on('data', (chunk: string) => (client.answer += chunk));
  client.socket.on('error', () => undefined);
  client.socket.on('close', () => {
    clearInterval(timer);
    client.closedAt = performance.now() - started;
  });
  return client;
}

describe('fault: slowloris clients', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ HEADERS_TIMEOUT: String(HEADERS_TIMEOUT_S), RATE_LIMIT_API: '0' });
  });
  afterAll(() => running.close());

  it('are cut off with 408 after the headers timeout while normal clients keep being served', async () => {
    const started = performance.now();
    const slow = Array.from({ length: SLOW_CLIENTS }, () => slowClient(running.url, started));
    await delay(200);
    const normal = await runLoad({
      url: `${running.url}/api/health/live`,
      concurrency: 4,
      durationMs: 2000,
      maxRequests: 2000,
      deadlineMs: 2000,
    });
    // The check runs every quarter of the timeout: all slow connections are gone well before 3× the timeout.
    const deadline = performance.now() + HEADERS_TIMEOUT_S * 3000;
    while (slow.some((c) => c.closedAt === undefined) && performance.now() < deadline) await delay(50);
    for (const client of slow) client.socket.destroy();

    expect(normal.length).toBeGreaterThan(20);
    expect(normal.every((s) => s.status === 200)).toBe(true);
    // Generous for a loaded CI machine; a blocked server would stall them for the whole headers timeout.
    expect(Math.max(...normal.map((s) => s.ms))).toBeLessThan(HEADERS_TIMEOUT_S * 1000);
    expect(slow.filter((c) => c.closedAt === undefined)).toHaveLength(0);
    for (const client of slow) {
      expect(client.closedAt).toBeLessThan(HEADERS_TIMEOUT_S * 1000 * 2.5);
      expect(client.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(client.answer).toContain('"code":"REQUEST_TIMEOUT"');
    }
  });
});
