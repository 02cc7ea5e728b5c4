import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { collect, connectClient, emitWithAck, nextEvent, type ClientSocket } from '../support/socket-client';

describe('Socket.IO limits', () => {
  const sockets: ClientSocket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  describe('connection cap (WEBSOCKET_MAX_CONNECTIONS)', () => {
    let running: RunningApp;
    beforeAll(async () => {
      running = await startApp({ WEBSOCKET_MAX_CONNECTIONS: '2' });
    });
    afterAll(() => running.close());

    it('refuses the handshake beyond the cap with a clear reason, and admits again once one closes', async () => {
      for (let i = 0; i < 2; i++) sockets.push((await connectClient(running.url)).socket);
      await expect(connectClient(running.url)).rejects.toThrow();
      const refused = await request(running.url).get('/socket.io/?EIO=4&transport=polling').expect(403);
      expect(refused.body.message).toMatch(
        /Connection limit reached.*2 connections.*WEBSOCKET_MAX_CONNECTIONS/,
      );

      const closed = sockets.pop()!;
      closed.close();
      await new Promise((r) => setTimeout(r, 200));
      sockets.push((await connectClient(running.url)).socket);
      const metrics = await request(running.url).get('/metrics').expect(200);
      expect(metrics.text).toMatch(
        /orchestration_websocket_rejected_total\{reason="max_connections"\} [1-9]/,
      );
    });
  });

  describe('API keys (API_KEYS)', () => {
    let running: RunningApp;
    beforeAll(async () => {
      running = await startApp({ API_KEYS: 'key-one,key-two' });
    });
    afterAll(() => running.close());

    it('refuses a handshake without a key or with a wrong one, and admits auth: { token }', async () => {
      await expect(connectClient(running.url)).rejects.toMatchObject({
        message: 'UNAUTHORIZED',
        data: { code: 'UNAUTHORIZED' },
      });
      await expect(connectClient(running.url, { auth: { token: 'nope' } })).rejects.toMatchObject({
        message: 'FORBIDDEN',
      });
      const { socket, connected } = await connectClient(running.url, { auth: { token: 'key-two' } });
      sockets.push(socket);
      expect(connected.connection_id).toBe(socket.id);
      const metrics = await request(running.url).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/orchestration_websocket_rejected_total\{reason="unauthorized"\} 2/);
    });
  });

  describe('idle timeout (WEBSOCKET_TIMEOUT) and rate limit', () => {
    let running: RunningApp;
    const config = writeConfigFile({ websocket: { connection_timeout: 1, message_rate_limit: 5 } });
    beforeAll(async () => {
      running = await startApp({ CONFIG_FILE: config.path });
    });
    afterAll(async () => {
      await running.close();
      config.remove();
    });

    it('closes a connection that sends nothing for the timeout, telling it why', async () => {
      const { socket } = await connectClient(running.url);
      sockets.push(socket);
      const errors = collect(socket, 'error');
      const started = Date.now();
      const reason = await nextEvent<string>(socket, 'disconnect', 4000);
      expect(reason).toBe('io server disconnect');
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(errors).toEqual([expect.objectContaining({ code: 'IDLE_TIMEOUT' })]);
    });

    it('keeps a connection open while it keeps sending', async () => {
      const { socket } = await connectClient(running.url);
      sockets.push(socket);
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 300));
        await emitWithAck(socket, 'service_message', { type: 'heartbeat' });
      }
      expect(socket.connected).toBe(true);
    });

    it('answers messages beyond the per-connection rate with RATE_LIMITED and keeps the connection', async () => {
      const { socket } = await connectClient(running.url);
      sockets.push(socket);
      const acks = await Promise.all(
        Array.from({ length: 8 }, () => emitWithAck(socket, 'service_message', { type: 'heartbeat' })),
      );
      const limited = acks.filter((ack) => ack.ok === false);
      expect(limited.length).toBe(3);
      expect(limited[0]).toMatchObject({ error: { code: 'RATE_LIMITED', event: 'service_message' } });
      await new Promise((r) => setTimeout(r, 500));
      expect(await emitWithAck(socket, 'service_message', { type: 'heartbeat' })).toHaveProperty('timestamp');
      expect(socket.connected).toBe(true);
    });
  });
});
