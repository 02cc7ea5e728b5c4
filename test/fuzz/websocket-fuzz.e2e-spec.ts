import fc from 'fast-check';
import { CLIENT_EVENTS } from '@app/realtime';
import type { RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { heapAfterGc } from '../support/heap';
import { collect, connectClient, emitWithAck, type ClientSocket } from '../support/socket-client';
import { NOWHERE, startGatewayApp } from '../gateway/gateway-harness';

const EVENTS = 2000;
const CONNECTIONS = 8;
const FIXED_SEED = 20261124;

/** Names socket.io-client refuses to emit; everything else a client may send. */
const RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

interface FuzzEvent {
  name: string;
  args: unknown[];
}

const text = fc.string({ maxLength: 40 });
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, -1, 0, 1e308, Number.NaN, '', '__proto__', [], {}),
  fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
);
/** Payloads near the protocol (right keys, wrong or odd values), so validation is reached, not only refusals. */
const nearProtocol = fc.oneof(
  fc.record({
    service: fc.oneof(fc.constantFrom('whisper', 'health', 'metrics', 'connections', 'nope'), oddValue),
  }),
  fc.record(
    {
      type: fc.oneof(
        fc.constantFrom('heartbeat', 'service_request', 'join_session', 'leave_session', 'x'),
        oddValue,
      ),
      target_service: fc.oneof(fc.constantFrom('whisper', 'speaker', 'translation'), oddValue),
      action: fc.oneof(fc.constantFrom('health', 'models', 'languages', 'translate'), oddValue),
      request_id: fc.oneof(text, oddValue),
      session_id: fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,12}$/), oddValue),
      params: oddValue,
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      audio_data: fc.oneof(
        fc.base64String({ maxLength: 400 }),
        fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
        oddValue,
      ),
      format: fc.oneof(fc.constantFrom('wav', 'pcm', 'webm', 'mp3', 'ogg'), oddValue),
      sample_rate: fc.oneof(fc.constantFrom(16000, 48000, 0, -1), oddValue),
      language: fc.oneof(fc.constantFrom('en', 'es', 'zz'), oddValue),
      chunk_id: fc.oneof(text, oddValue),
      target_languages: fc.oneof(fc.constant(['es']), oddValue),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      text: fc.oneof(fc.constantFrom('hello world', 'good morning'), text, oddValue),
      target_lang: fc.oneof(fc.constantFrom('es', 'spa', 'en', ''), oddValue),
      source_lang: fc.oneof(fc.constantFrom('en', 'auto'), oddValue),
      request_id: fc.oneof(text, oddValue),
    },
    { requiredKeys: [] },
  ),
);
const fuzzEvent: fc.Arbitrary<FuzzEvent> = fc.record({
  name: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...CLIENT_EVENTS) },
    { weight: 1, arbitrary: fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype)) },
    // Names of Object.prototype members (valueOf, toString, ...) are generated on purpose: they once reached
    // the prototype through the event router and went unacknowledged.
    {
      weight: 1,
      arbitrary: fc.string({ maxLength: 20 }).filter((name) => !RESERVED.has(name)),
    },
  ),
  args: fc.oneof(
    { weight: 4, arbitrary: nearProtocol.map((payload) => [payload]) },
    { weight: 2, arbitrary: oddValue.map((payload) => [payload]) },
    { weight: 1, arbitrary: fc.array(oddValue, { maxLength: 3 }) },
  ),
});

describe('fuzz: random and malformed Socket.IO events', () => {
  let running: RunningApp;
  let config: { path: string; remove(): void };
  const sockets: ClientSocket[] = [];
  beforeAll(async () => {
    // The per-connection message limit is the subject of the real-time tests; here it would only refuse.
    config = writeConfigFile({
      websocket: { message_rate_limit: 1_000_000 },
      monitoring: { health_check_interval: 3600 },
    });
    running = await startGatewayApp(
      { whisper: NOWHERE, speaker: NOWHERE, translation: process.env.TEST_APERTIUM_URL },
      { CONFIG_FILE: config.path, TRANSLATION_SERVICE_KIND: 'apertium', LOG_LEVEL: 'fatal' },
    );
    for (let i = 0; i < CONNECTIONS; i += 1) sockets.push((await connectClient(running.url)).socket);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await running.close();
    config.remove();
  });

  it(`acknowledges ${EVENTS} random events without an internal error or a dropped connection, and memory returns to baseline`, async () => {
    const errors = sockets.map((socket) => collect<{ code: string }>(socket, 'error'));
    await emitWithAck(sockets[0], 'service_message', { type: 'heartbeat' });
    const baseline = heapAfterGc();
    const codes = new Map<string, number>();
    let turn = 0;

    await fc.assert(
      fc.asyncProperty(fuzzEvent, async (event) => {
        const socket = sockets[turn++ % sockets.length];
        // Every client event is answered on its acknowledgement, failures as { ok: false, error }.
        const ack = await emitWithAck<{ ok?: boolean; error?: { code: string } }>(
          socket,
          event.name,
          ...event.args,
        );
        const code = ack?.ok === false ? (ack.error?.code ?? '(none)') : 'ok';
        codes.set(code, (codes.get(code) ?? 0) + 1);
        expect(code).not.toBe('INTERNAL_ERROR');
        expect(socket.connected).toBe(true);
      }),
      { numRuns: EVENTS, interruptAfterTimeLimit: 60_000, seed: Number(process.env.FUZZ_SEED ?? FIXED_SEED) },
    );

    expect(sockets.every((socket) => socket.connected)).toBe(true);
    expect(errors.flat().filter((error) => error.code === 'INTERNAL_ERROR')).toEqual([]);
    // Validation, unknown events and successes were all reached.
    expect([...codes.keys()]).toEqual(expect.arrayContaining(['ok', 'INVALID_PAYLOAD', 'UNKNOWN_EVENT']));
    expect((await fetch(`${running.url}/api/health/live`)).status).toBe(200);
    const growth = heapAfterGc() - baseline;
    expect(growth).toBeLessThan(40 * 1024 * 1024);
  }, 120_000);
});
