import request from 'supertest';
import { DomainEvents } from '@app/common';
import type { InstanceHealth } from '@app/health';
import { PROTOCOL_VERSION } from '@app/realtime';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import {
  collect,
  connectClient,
  connectClosedAfterEach,
  emitWithAck,
  nextEvent,
  type ClientSocket,
} from '../support/socket-client';
import { eventually } from '../support/eventually';

describe('Socket.IO protocol: connection, subscriptions, service messages, sessions', () => {
  let running: RunningApp;
  const connect = connectClosedAfterEach();
  const config = writeConfigFile({ websocket: { update_interval: 1, heartbeat_interval: 1 } });

  const client = async (headers?: Record<string, string>): Promise<ClientSocket> =>
    (await connect(running.url, { headers })).socket;

  beforeAll(async () => {
    running = await startApp({ TRUSTED_PROXIES: '127.0.0.1', CONFIG_FILE: config.path });
  });
  afterAll(async () => {
    await running.close();
    config.remove();
  });

  it('greets a new connection with its id, the server time and the protocol version', async () => {
    const { socket, connected } = await connect(running.url);
    expect(connected).toEqual({
      connection_id: socket.id,
      server_time: expect.any(String),
      protocol_version: PROTOCOL_VERSION,
    });
    expect(Math.abs(Date.parse(connected.server_time as string) - Date.now())).toBeLessThan(5000);
  });

  it('answers subscribe and unsubscribe with events and acknowledgements', async () => {
    const socket = await client();
    const subscribed = nextEvent(socket, 'subscribed');
    const ack = await emitWithAck(socket, 'subscribe', { service: 'health' });
    expect(ack).toEqual({ service: 'health' });
    expect(await subscribed).toEqual({ service: 'health' });
    const unsubscribed = nextEvent(socket, 'unsubscribed');
    socket.emit('unsubscribe', { service: 'health' });
    expect(await unsubscribed).toEqual({ service: 'health' });
    const refused = await emitWithAck(socket, 'subscribe', { service: 'weather' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', event: 'subscribe' } });
  });

  it('pings each connection at the configured heartbeat interval', async () => {
    const socket = await client();
    const started = Date.now();
    await new Promise<void>((resolve) => socket.io.engine.once('ping', () => resolve()));
    // Configured 1 s against engine.io's default of 25 s: a busy machine may add seconds, not twenty.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers a heartbeat with heartbeat_ack', async () => {
    const socket = await client();
    const event = nextEvent(socket, 'heartbeat_ack');
    const ack = await emitWithAck(socket, 'service_message', { type: 'heartbeat' });
    expect(Date.parse(ack.timestamp as string)).not.toBeNaN();
    expect(await event).toEqual(ack);
  });

  it('answers a service request it cannot serve with an error carrying the request id', async () => {
    const socket = await client();
    const ack = await emitWithAck(socket, 'service_message', {
      type: 'service_request',
      target_service: 'speaker',
      action: 'get_languages',
      request_id: 'req-1',
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_ACTION', request_id: 'req-1' } });
  });

  it('joins a session, shares it with a second client and leaves it', async () => {
    const alice = await client({ 'user-agent': 'alice-agent' });
    const bob = await client();
    const joined = await emitWithAck(alice, 'service_message', {
      type: 'join_session',
      session_id: 'proto-1',
    });
    expect(joined).toMatchObject({ session_id: 'proto-1', history: [] });
    const second = await emitWithAck(bob, 'service_message', { type: 'join_session', session_id: 'proto-1' });
    expect((second.participants as { connection_id: string }[]).map((p) => p.connection_id).sort()).toEqual(
      [alice.id, bob.id].sort(),
    );
    const session = await request(running.url).get('/api/sessions/proto-1').expect(200);
    expect(session.body.participants).toHaveLength(2);

    const left = nextEvent(bob, 'session_left');
    bob.emit('service_message', { type: 'leave_session' });
    expect(await left).toEqual({ session_id: 'proto-1' });
    const notIn = await emitWithAck(bob, 'service_message', { type: 'leave_session' });
    expect(notIn).toMatchObject({ ok: false, error: { code: 'NOT_IN_SESSION' } });
    const after = await request(running.url).get('/api/sessions/proto-1').expect(200);
    expect(after.body.participants.map((p: { connection_id: string }) => p.connection_id)).toEqual([
      alice.id,
    ]);
  });

  it('removes a participant from the session when its connection closes', async () => {
    const socket = await client();
    await emitWithAck(socket, 'service_message', { type: 'join_session', session_id: 'proto-2' });
    socket.close();
    await eventually('the participant to leave', async () => {
      const session = await request(running.url).get('/api/sessions/proto-2').expect(200);
      return session.body.participants.length === 0;
    });
  });

  it('logs session creation and end in the activity log and counts sessions and messages in /metrics', async () => {
    const socket = await client();
    await emitWithAck(socket, 'service_message', { type: 'join_session', session_id: 'proto-logged' });
    await emitWithAck(socket, 'service_message', { type: 'leave_session' });
    const logs = await request(running.url).get('/api/logs?source=sessions').expect(200);
    const messages = logs.body.logs.map((entry: { message: string }) => entry.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Session proto-logged created'),
        expect.stringContaining('Session proto-logged ended'),
      ]),
    );
    const metrics = await request(running.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^orchestration_websocket_connections [1-9]/m);
    expect(metrics.text).toMatch(/^orchestration_websocket_connections_peak [1-9]/m);
    expect(metrics.text).toMatch(/^orchestration_sessions_active [1-9]/m);
    expect(metrics.text).toMatch(
      /^orchestration_websocket_messages_total\{direction="in",event="service_message"\} [1-9]/m,
    );
    expect(metrics.text).toMatch(
      /^orchestration_websocket_messages_total\{direction="out",event="session_joined"\} [1-9]/m,
    );
  });

  it('tells members when their session is deleted', async () => {
    const socket = await client();
    await emitWithAck(socket, 'service_message', { type: 'join_session', session_id: 'proto-3' });
    const left = nextEvent(socket, 'session_left');
    await request(running.url).delete('/api/sessions/proto-3').expect(204);
    expect(await left).toEqual({ session_id: 'proto-3' });
  });

  it('lists connections with address, agent, session, subscriptions and counts, paged', async () => {
    const first = await client({ 'user-agent': 'agent-one', 'x-forwarded-for': '203.0.113.7' });
    await emitWithAck(first, 'subscribe', { service: 'metrics' });
    await emitWithAck(first, 'service_message', { type: 'join_session', session_id: 'proto-4' });
    await client({ 'user-agent': 'agent-two' });
    const page = await request(running.url).get('/api/connections?page=1&limit=1').expect(200);
    expect(page.body).toMatchObject({ page: 1, limit: 1, total: 2, totals: { current: 2 } });
    expect(page.body.peak).toBeGreaterThanOrEqual(2);
    expect(page.body.connections).toEqual([
      expect.objectContaining({
        connection_id: first.id,
        ip: '203.0.113.7',
        user_agent: 'agent-one',
        session_id: 'proto-4',
        subscriptions: ['metrics'],
        messages_in: 2,
      }),
    ]);
    expect(page.body.connections[0].messages_out).toBeGreaterThanOrEqual(5);
    const second = await request(running.url).get('/api/connections?page=2&limit=1').expect(200);
    expect(second.body.connections[0]).toMatchObject({ user_agent: 'agent-two', ip: '127.0.0.1' });
    await request(running.url).get('/api/connections?limit=0').expect(400);
  });

  it('pushes activity log entries to subscribers of logs as they are logged', async () => {
    const watcher = await client();
    const bystander = await client();
    const bystanderActivity = collect(bystander, 'activity');
    await emitWithAck(watcher, 'subscribe', { service: 'logs' });
    const pushed = nextEvent(watcher, 'activity');
    running.app.get(DomainEvents).activity('warning', 'protocol-test', 'something worth seeing');
    expect(await pushed).toMatchObject({
      id: expect.any(Number),
      time: expect.any(String),
      level: 'warning',
      source: 'protocol-test',
      message: 'something worth seeing',
    });
    const logged = await request(running.url).get('/api/logs?source=protocol-test').expect(200);
    expect(logged.body.logs[0].id).toBe((await pushed).id);
    expect(bystanderActivity).toEqual([]);
  });

  it('pushes metrics and connection summaries to their subscribers only', async () => {
    const watcher = await client();
    const bystander = await client();
    const stray = collect(bystander, 'metrics_update');
    await emitWithAck(watcher, 'subscribe', { service: 'metrics' });
    await emitWithAck(watcher, 'subscribe', { service: 'connections' });
    const [metrics, connections] = await Promise.all([
      nextEvent(watcher, 'metrics_update', 3000),
      nextEvent(watcher, 'connections_update', 3000),
    ]);
    expect(metrics).toMatchObject({ connections: 2, sessions_active: expect.any(Number) });
    expect(connections).toMatchObject({ current: 2, connections: expect.any(Array) });
    expect(stray).toEqual([]);
  });

  it('pushes health changes to the health room and the service room, and alerts to both', async () => {
    const healthWatcher = await client();
    const whisperWatcher = await client();
    const translationWatcher = await client();
    await emitWithAck(healthWatcher, 'subscribe', { service: 'health' });
    await emitWithAck(whisperWatcher, 'subscribe', { service: 'whisper' });
    await emitWithAck(translationWatcher, 'subscribe', { service: 'translation' });
    // The app's own monitor may report real changes meanwhile; these are told apart by the instance id.
    const mine = (payloads: Record<string, unknown>[]) =>
      payloads.filter((p) => p.instance_id === 'whisper-test');
    const healthUpdates = collect(healthWatcher, 'health_update');
    const serviceUpdates = collect(whisperWatcher, 'service_update');
    const strayUpdates = collect(translationWatcher, 'service_update');
    const alerts = collect(whisperWatcher, 'alert');
    const instance: InstanceHealth = {
      service: 'whisper',
      instanceId: 'whisper-test',
      url: 'http://127.0.0.1:9',
      status: 'down',
      responseTimeMs: null,
      lastCheck: new Date().toISOString(),
      lastChange: new Date().toISOString(),
      consecutiveFailures: 3,
      uptimePercent: 50,
      circuit: 'open',
      lastError: 'connection refused',
    };
    const events = running.app.get(DomainEvents);
    events.emit('health.changed', { service: 'whisper', instance, previous: 'up' });
    events.emit('health.alert', {
      id: 'alert-test',
      level: 'critical',
      service: 'whisper',
      instance: 'whisper-test',
      message: 'whisper-test is down',
      time: new Date().toISOString(),
    });
    await eventually(
      'the health update and the alert',
      () => mine(healthUpdates).length === 1 && alerts.some((a) => a.id === 'alert-test'),
    );
    expect(mine(healthUpdates)[0]).toMatchObject({
      service: 'whisper',
      status: 'down',
      previous_status: 'up',
      circuit: 'open',
    });
    expect(mine(serviceUpdates)).toHaveLength(1);
    expect(mine(strayUpdates)).toEqual([]);
  });

  it("refuses browsers from other origins and admits the page's own origin", async () => {
    await expect(
      connectClient(running.url, { headers: { origin: 'http://evil.example' } }),
    ).rejects.toThrow();
    const { socket } = await connect(running.url, { headers: { origin: running.url } });
    expect(socket.connected).toBe(true);
  });
});
