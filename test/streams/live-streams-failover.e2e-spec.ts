import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { eventually } from '../support/eventually';
import {
  recordLiveEvents,
  sendLiveAudio,
  stopLiveStream,
  type LiveEvents,
} from '../support/live-stream-client';
import { connectClient, emitWithAck, type ClientSocket } from '../support/socket-client';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  transcriptWords,
  wordErrorRate,
  type ToneSpeech,
  type ToneSpeechEngine,
} from '../support/tone-speech';

/**
 * A loopback front for the tone-speech engine that can answer its transcriptions as LibreTranslate and
 * rate-limited OpenAI-compatible servers do when they are overloaded: 429 with a Retry-After (CONTRACTS §4:
 * back-pressure, not failure). Everything else is passed through.
 */
async function startSlowDownFront(target: string): Promise<{
  url: string;
  slowDowns: number;
  slowDownFor(ms: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}> {
  let until = 0;
  let retryAfter = 1;
  const front = {
    url: '',
    slowDowns: 0,
    slowDownFor(ms: number, retryAfterSeconds: number) {
      until = Date.now() + ms;
      retryAfter = retryAfterSeconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && Date.now() < until) {
        front.slowDowns++;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
        res.end(JSON.stringify({ error: 'Slowdown: too many requests' }));
        return;
      }
      const headers = { 'content-type': String(req.headers['content-type'] ?? 'application/json') };
      fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
      }).then(
        async (answer) => {
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'text/plain',
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return front;
}

/**
 * Live streams when the speech-to-text engines fail or push back (issue 16): a 429 is slow-down shown in
 * stream_status and never a breaker failure; a final that fails on every engine is an error naming its
 * utterance, its audio is kept, and it is delivered in order once the engine is back; meanwhile new streams
 * are refused and the stream reports itself degraded, then active again. Tone speech (CONTRACTS §6) at up to
 * 4× real time: what is checked is what arrives, not how soon.
 */
describe('Live streams: failover and slow-down', () => {
  let engine: ToneSpeechEngine;
  let front: Awaited<ReturnType<typeof startSlowDownFront>>;
  let running: RunningApp;
  let config: { path: string; remove(): void };
  const sockets: ClientSocket[] = [];

  async function client(): Promise<ClientSocket> {
    const { socket } = await connectClient(running.url);
    sockets.push(socket);
    return socket;
  }

  async function start(socket: ClientSocket): Promise<string> {
    const ack = await emitWithAck(socket, 'stream_start', {
      encoding: 'pcm_s16le',
      sample_rate: 16000,
      language: 'en',
      target_languages: [],
    });
    expect(ack).toMatchObject({ ok: true });
    return ack.stream_id as string;
  }

  /** The speech and a second of silence after it, so that its last utterance closes without a stop. */
  function withTail(speech: ToneSpeech): { samples: Int16Array; sampleRate: number } {
    const samples = new Int16Array(speech.samples.length + speech.sampleRate);
    samples.set(speech.samples);
    return { samples, sampleRate: speech.sampleRate };
  }

  const scriptWords = (speech: ToneSpeech) => speech.sentences.flatMap((s) => s.text.split(' '));
  const finalWords = (events: LiveEvents) => events.finals.flatMap((f) => transcriptWords(f.text as string));

  async function whisperInstance(): Promise<{ status: string; circuit: string }> {
    const { body } = await request(running.url).get('/api/services').expect(200);
    return body.services.whisper.instances[0];
  }

  beforeAll(async () => {
    engine = await startToneSpeechEngine({ kind: 'openai', slots: 4 });
    front = await startSlowDownFront(engine.url);
    config = writeConfigFile({
      // A held final must come back because the engine did, not because a timer fired.
      streams: { final_retry_interval_ms: 60000, degraded_lag_ms: 2500, recovered_lag_ms: 1000 },
      // The breaker the failed calls opened lets a probe through by the time the engine is back.
      gateway: { circuit_breaker_reset_timeout: 2 },
    });
    running = await startApp({
      CONFIG_FILE: config.path,
      WHISPER_SERVICE_URL: front.url,
      WHISPER_SERVICE_KIND: 'openai',
      STREAM_VAD: 'energy',
      HEALTH_CHECK_INTERVAL: '1',
    });
    await eventually('the engine in rotation', async () => (await whisperInstance()).status === 'up', {
      timeoutMs: 20000,
    });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await running.close();
    await front.close();
    await engine.stop();
    config.remove();
  });

  it('takes a 429 as slow-down: honours Retry-After, shows it in stream_status, keeps the breaker closed and loses no final', async () => {
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 71, sentences: 3 }), { seed: 71 });
    const socket = await client();
    const streamId = await start(socket);
    const events = recordLiveEvents(socket, streamId);
    front.slowDownFor(2500, 1);
    const sent = sendLiveAudio(socket, streamId, speech, { speed: 4 });
    const slowed = await eventually(
      'a stream_status naming the slow-down',
      () => events.statuses.find((status) => (status.slow_down as unknown[]).length > 0),
      { timeoutMs: 5000 },
    );
    expect(slowed.slow_down).toEqual([{ service: 'whisper', until: expect.any(String) }]);
    const until = Date.parse((slowed.slow_down as { until: string }[])[0].until);
    expect(until).toBeGreaterThan(Date.now() - 2000);
    await sent;
    await eventually(
      'a stream_status after the Retry-After',
      () => (events.statuses.at(-1)?.slow_down as unknown[] | undefined)?.length === 0,
      { timeoutMs: 5000 },
    );
    await stopLiveStream(socket, streamId);
    // Many more than circuit_breaker_threshold (5) answers were 429: none counted as a failure.
    expect(front.slowDowns).toBeGreaterThan(5);
    expect(await whisperInstance()).toMatchObject({ status: 'up', circuit: 'closed' });
    expect(events.errors).toEqual([]);
    expect(events.finals).toHaveLength(speech.sentences.length);
    expect(wordErrorRate(scriptWords(speech), finalWords(events))).toBeLessThanOrEqual(0.02);
  });

  it('keeps the audio of a final that failed on every engine, refuses new streams meanwhile, and delivers it in order when the engine is back', async () => {
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 72, sentences: 3 }), { seed: 72 });
    const socket = await client();
    const streamId = await start(socket);
    const events = recordLiveEvents(socket, streamId);
    const firstEnd = Math.round(speech.sentences[0].endMs + 800);
    const firstPart = { samples: speech.samples.slice(0, firstEnd * 16), sampleRate: 16000 };
    await sendLiveAudio(socket, streamId, firstPart, { speed: 4 });
    await eventually('the first final', () => events.finals.length === 1, { timeoutMs: 10000 });

    engine.kill();
    await sendLiveAudio(socket, streamId, withTail(speech), { speed: 4, fromMs: firstEnd });
    const error = await eventually('an error naming the failed utterance', () => events.errors[0], {
      timeoutMs: 20000,
    });
    expect(error).toMatchObject({
      event: 'transcript_final',
      stream_id: streamId,
      utterance_id: `${streamId}#1`,
      will_retry: true,
      code: expect.any(String),
    });
    await eventually('the engine out of rotation', async () => (await whisperInstance()).status === 'down', {
      timeoutMs: 10000,
    });
    const held = await eventually(
      'a degraded stream_status with the final held',
      () => events.statuses.find((status) => status.state === 'degraded' && status.held_finals === 1),
      { timeoutMs: 10000 },
    );
    expect(held.final_ms).toBeLessThan(speech.sentences[1].startMs);

    // No speech-to-text in rotation: a new stream is refused with a reason, not accepted into lag.
    const other = await client();
    const refusal = new Promise<Record<string, unknown>>((resolve) => other.once('error', resolve));
    const refused = await emitWithAck(other, 'stream_start', { encoding: 'pcm_s16le', sample_rate: 16000 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BACKEND_UNAVAILABLE', service: 'whisper' } });
    expect(await refusal).toMatchObject({ code: 'BACKEND_UNAVAILABLE', event: 'stream_start' });

    await engine.restart();
    await eventually('every final', () => events.finals.length === speech.sentences.length, {
      timeoutMs: 20000,
    });
    await eventually(
      'the stream active again',
      () => events.statuses.at(-1)?.state === 'active' && events.statuses.at(-1)?.held_finals === 0,
      { timeoutMs: 5000 },
    );
    await stopLiveStream(socket, streamId);
    const ids = events.finals.map((f) => f.utterance_id);
    expect(ids).toEqual(speech.sentences.map((_, i) => `${streamId}#${i}`));
    expect(wordErrorRate(scriptWords(speech), finalWords(events))).toBeLessThanOrEqual(0.02);
    // One error per held utterance: told once, not once per retry.
    expect(events.errors.every((e) => e.will_retry === true)).toBe(true);
    const metrics = await request(running.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/orchestration_live_finals_held_total\{outcome="recovered"\} [1-9]/);
    expect(metrics.text).toMatch(/orchestration_live_degraded_total [1-9]/);
    expect(metrics.text).toMatch(
      /orchestration_live_streams_refused_total\{code="BACKEND_UNAVAILABLE"\} [1-9]/,
    );
  });
});
