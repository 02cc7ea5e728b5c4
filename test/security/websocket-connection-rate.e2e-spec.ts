import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
// Imported by path: the barrel would load the config module before the app and trip on a circular import.
import { RATE_LIMITER, type RateLimiter } from '../../libs/security/src/rate-limiter';
import { startApp, type RunningApp } from '../support/app-harness';
import { connectClient, type ClientSocket } from '../support/socket-client';

/** The loopback test client is a trusted proxy, so X-Forwarded-For names the client address per test. */
function from(address: string): { headers: Record<string, string> } {
  return { headers: { 'x-forwarded-for': address } };
}

async function metricsText(running: RunningApp): Promise<string> {
  return (await request(running.url).get('/metrics').expect(200)).text;
}

describe('WebSocket handshake rate per client IP (RATE_LIMIT_WEBSOCKET)', () => {
  const sockets: ClientSocket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  async function connect(running: RunningApp, address: string): Promise<void> {
    sockets.push((await connectClient(running.url, from(address))).socket);
  }

  describe('one instance, memory counters', () => {
    let running: RunningApp;
    beforeAll(async () => {
      running = await startApp({
        RATE_LIMIT_WEBSOCKET: '3',
        RATE_LIMIT_WINDOW: '60',
        TRUSTED_PROXIES: '127.0.0.1',
      });
    });
    afterAll(() => running.close());

    it('refuses the fourth handshake in the window with the reason, while another address still connects', async () => {
      for (let i = 0; i < 3; i++) await connect(running, '203.0.113.7');
      // Closing connections does not give budget back: the limit is on handshakes, not on open connections.
      for (const socket of sockets.splice(0)) socket.close();
      await expect(connectClient(running.url, from('203.0.113.7'))).rejects.toThrow();
      const refused = await request(running.url)
        .get('/socket.io/?EIO=4&transport=polling')
        .set('x-forwarded-for', '203.0.113.7')
        .expect(403);
      expect(refused.body.message).toMatch(
        /Too many connections: at most 3 new connections per 60 s from 203\.0\.113\.7 \(RATE_LIMIT_WEBSOCKET\)/,
      );

      await connect(running, '198.51.100.20');
      expect(await metricsText(running)).toMatch(
        /orchestration_websocket_rejected_total\{reason="rate_limited"\} 2\b/,
      );
    });

    it('ignores X-Forwarded-For from an untrusted peer', async () => {
      const untrusted = await startApp({ RATE_LIMIT_WEBSOCKET: '1' });
      try {
        sockets.push((await connectClient(untrusted.url, from('192.0.2.1'))).socket);
        // A different claimed address does not help: without trusted proxies the peer address is counted.
        await expect(connectClient(untrusted.url, from('192.0.2.2'))).rejects.toThrow();
      } finally {
        await untrusted.close();
      }
    });
  });

  it('does not limit handshakes when set to 0', async () => {
    const running = await startApp({ RATE_LIMIT_WEBSOCKET: '0' });
    try {
      for (let i = 0; i < 5; i++) sockets.push((await connectClient(running.url)).socket);
      expect(await metricsText(running)).not.toMatch(/reason="rate_limited"\} [1-9]/);
    } finally {
      for (const socket of sockets.splice(0)) socket.close();
      await running.close();
    }
  });

  describe('two instances sharing Redis', () => {
    // A prefix of its own keeps this test's counters apart from other tests on the same Redis.
    const prefix = `wsrate${randomUUID().slice(0, 8)}:`;
    const redis = new Redis(process.env.TEST_REDIS_URL!);
    let first: RunningApp;
    let second: RunningApp;

    /**
     * The limiter fails open until its Redis connection is ready (it has no offline queue), so a handshake
     * right after start-up would not be counted; wait until a probe hit of this instance reaches Redis.
     */
    async function limiterReady(running: RunningApp, probe: string): Promise<void> {
      const limiter = running.app.get<RateLimiter>(RATE_LIMITER);
      for (let attempt = 0; attempt < 50; attempt++) {
        await limiter.hit(probe, 1000, 60_000);
        if ((await redis.exists(`${prefix}rl:${probe}`)) === 1) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the rate limiter never reached Redis');
    }

    beforeAll(async () => {
      const env = {
        REDIS_URL: process.env.TEST_REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        RATE_LIMIT_WEBSOCKET: '4',
        TRUSTED_PROXIES: '127.0.0.1',
      };
      [first, second] = await Promise.all([startApp(env), startApp(env)]);
      await Promise.all([limiterReady(first, 'probe-first'), limiterReady(second, 'probe-second')]);
    });
    afterAll(async () => {
      await Promise.all([first.close(), second.close()]);
      redis.disconnect();
    });

    it('counts handshakes on either instance against one budget per address', async () => {
      await connect(first, '203.0.113.50');
      await connect(second, '203.0.113.50');
      await connect(first, '203.0.113.50');
      await connect(second, '203.0.113.50');
      // Each instance saw only two handshakes from the address, so only a shared counter refuses these.
      await expect(connectClient(first.url, from('203.0.113.50'))).rejects.toThrow();
      await expect(connectClient(second.url, from('203.0.113.50'))).rejects.toThrow();
      await connect(second, '203.0.113.51');
      expect(await metricsText(first)).toMatch(/reason="rate_limited"\} 1\b/);
      expect(await metricsText(second)).toMatch(/reason="rate_limited"\} 1\b/);
    });
  });
});
