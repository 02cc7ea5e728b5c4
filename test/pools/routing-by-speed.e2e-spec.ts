import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigStore } from '@app/config';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import {
  recordLiveEvents,
  sendLiveAudio,
  stopLiveStream,
  type LiveEvents,
} from '../support/live-stream-client';
import { connectClosedAfterEach, emitWithAck, type ClientSocket } from '../support/socket-client';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  toneSpeechWav,
  transcriptWords,
  wordErrorRate,
  type ToneSpeech,
  type ToneSpeechEngine,
} from '../support/tone-speech';
import { servicesUp } from '../support/services-up';

interface InstanceFigures {
  instance_id: string;
  status: string;
  in_flight: number;
  max_concurrent: number;
  latency_ewma_ms: number | null;
  rtf_ewma: number | null;
}

async function whisperInstances(app: RunningApp): Promise<InstanceFigures[]> {
  const body = (await (await fetch(`${app.url}/api/services`)).json()) as {
    services: { whisper: { instances: InstanceFigures[] } };
  };
  return body.services.whisper.instances;
}

function whenAllUp(app: RunningApp): Promise<void> {
  return servicesUp(app.url, ['whisper'], { everyInstance: true, timeoutMs: 15_000 });
}

/**
 * An HTTP relay in front of an engine that counts the transcriptions under way at once: what the engine
 * would see, without changing the tone-speech kit.
 */
async function countingRelay(target: string): Promise<{
  url: string;
  readonly peak: number;
  readonly posts: number;
  close(): Promise<void>;
}> {
  let open = 0;
  let peak = 0;
  let posts = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const counted = request.method === 'POST';
      if (counted) {
        posts++;
        peak = Math.max(peak, ++open);
      }
      const headers = {
        'content-type': String(request.headers['content-type'] ?? 'application/octet-stream'),
      };
      fetch(`${target}${request.url}`, {
        method: request.method,
        headers,
        body: counted ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer());
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
          response.end(body);
        })
        .catch(() => response.destroy())
        .finally(() => {
          if (counted) open--;
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get peak() {
      return peak;
    },
    get posts() {
      return posts;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function scriptWords(speech: ToneSpeech): string[] {
  return speech.sentences.flatMap((sentence) => sentence.text.split(' '));
}

function finalWords(events: LiveEvents): string[] {
  return events.finals.flatMap((final) => transcriptWords(final.text as string));
}

/** Streams one tone-speech script through a live stream and waits until every final is out. */
async function liveStream(socket: ClientSocket, speech: ToneSpeech, speed: number): Promise<LiveEvents> {
  const ack = await emitWithAck(socket, 'stream_start', {
    encoding: 'pcm_s16le',
    sample_rate: 16000,
    channels: 1,
    language: 'en',
    target_languages: [],
  });
  expect(ack).toMatchObject({ ok: true });
  const streamId = ack.stream_id as string;
  const events = recordLiveEvents(socket, streamId);
  await sendLiveAudio(socket, streamId, speech, { speed });
  await stopLiveStream(socket, streamId);
  return events;
}

/**
 * Routing by measured speed (#16) with engines that really decode: a live stream's decodes go mostly to the
 * faster of two instances; a whisper.cpp instance is never sent a second call while one is under way (the
 * rest wait in the gateway); an instance killed mid-utterance costs no word.
 */
describe('routing speech-to-text calls by measured speed', () => {
  const connect = connectClosedAfterEach();
  const apps: RunningApp[] = [];
  const engines: ToneSpeechEngine[] = [];
  const cleanups: (() => unknown)[] = [];

  async function boot(config: Record<string, unknown>): Promise<RunningApp> {
    const file = writeConfigFile({
      streams: { vad: 'energy' },
      monitoring: { health_check_interval: 1 },
      ...config,
    });
    cleanups.push(() => file.remove());
    const app = await startApp({
      CONFIG_FILE: file.path,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
    });
    apps.push(app);
    await whenAllUp(app);
    return app;
  }

  async function engine(options: Parameters<typeof startToneSpeechEngine>[0]): Promise<ToneSpeechEngine> {
    const started = await startToneSpeechEngine(options);
    engines.push(started);
    return started;
  }

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await Promise.all(engines.splice(0).map((e) => e.stop().catch(() => undefined)));
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('sends most decodes of live streams to the fast instance, and shows both instances measured', async () => {
    const fast = await engine({ kind: 'openai', slots: 4, baseMs: 20, rtf: 0.02 });
    const slow = await engine({ kind: 'openai', slots: 4, baseMs: 150, rtf: 0.25 });
    const app = await boot({
      services: { whisper: { kind: 'openai', instances: [{ url: slow.url }, { url: fast.url }] } },
    });
    const speeches = [21, 22].map((seed) =>
      synthesizeToneSpeech(makeToneScript({ seed, sentences: 3 }), { seed }),
    );
    const runs = await Promise.all(
      speeches.map(async (speech) => liveStream((await connect(app.url)).socket, speech, 4)),
    );
    for (const [i, events] of runs.entries()) {
      expect(wordErrorRate(scriptWords(speeches[i]), finalWords(events))).toBeLessThanOrEqual(0.02);
    }
    // Plain weighted round-robin would split them evenly; the fast one finishes a call ~10× sooner and gets
    // ~14× the calls on a quiet machine, under 3× once on a loaded one (the event-loop lag that both
    // engines in this process share narrows what routing can see between them).
    expect(fast.calls).toBeGreaterThan(1.5 * slow.calls);
    const [slowFigures, fastFigures] = await whisperInstances(app);
    expect(fastFigures.rtf_ewma).toEqual(expect.any(Number));
    expect(slowFigures.rtf_ewma).toEqual(expect.any(Number));
    expect(fastFigures.rtf_ewma!).toBeLessThan(slowFigures.rtf_ewma!);
    expect(fastFigures).toMatchObject({
      in_flight: 0,
      max_concurrent: 100,
      latency_ewma_ms: expect.any(Number),
    });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(
      /orchestration_gateway_rtf_ewma\{service="whisper",backend_instance="whisper-1"\} 0\.\d+/,
    );
    expect(metrics).toMatch(
      /orchestration_gateway_latency_ewma_seconds\{service="whisper",backend_instance="whisper-0"\}/,
    );
  });

  it('never sends a whisper.cpp instance a second call while one is under way; the others wait, or are refused OVERLOADED when too many wait', async () => {
    const engineA = await engine({ kind: 'whisper-cpp', slots: 4, baseMs: 80, rtf: 0.05 });
    const engineB = await engine({ kind: 'whisper-cpp', slots: 4, baseMs: 80, rtf: 0.05 });
    const relays = [await countingRelay(engineA.url), await countingRelay(engineB.url)];
    cleanups.push(() => Promise.all(relays.map((relay) => relay.close())));
    const app = await boot({
      services: { whisper: { kind: 'whisper-cpp', instances: relays.map((relay) => ({ url: relay.url })) } },
    });
    expect((await whisperInstances(app)).map((i) => i.max_concurrent)).toEqual([1, 1]);

    const wav = toneSpeechWav(synthesizeToneSpeech(makeToneScript({ seed: 5, sentences: 1 }), { seed: 5 }));
    const transcribe = async () => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'speech.wav');
      form.append('language', 'en');
      const answer = await fetch(`${app.url}/api/transcribe`, { method: 'POST', body: form });
      return {
        status: answer.status,
        body: (await answer.json()) as { error?: { code: string; message: string } },
      };
    };
    const answers = await Promise.all(Array.from({ length: 8 }, transcribe));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(relays.map((relay) => relay.peak)).toEqual([1, 1]);
    expect(relays[0].posts + relays[1].posts).toBe(8);
    expect(Math.min(relays[0].posts, relays[1].posts)).toBeGreaterThan(0);

    // One waiting place per instance: 2 at the engines, 2 waiting, the rest refused at once.
    app.app.get(ConfigStore).update({ gateway: { max_queue_per_instance: 1 } }, 'api');
    const crowded = await Promise.all(Array.from({ length: 6 }, transcribe));
    const refused = crowded.filter((a) => a.status !== 200);
    expect(crowded.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(4);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatchObject({
        code: 'OVERLOADED',
        message: expect.stringMatching(/concurrency cap/),
      });
    }
    expect(relays.map((relay) => relay.peak)).toEqual([1, 1]);
  });

  it('loses no word when an instance is killed mid-utterance during a live stream, and repeats none', async () => {
    const first = await engine({ kind: 'openai', slots: 2, baseMs: 30, rtf: 0.05 });
    const second = await engine({ kind: 'openai', slots: 2, baseMs: 30, rtf: 0.05 });
    const app = await boot({
      services: { whisper: { kind: 'openai', instances: [{ url: first.url }, { url: second.url }] } },
    });
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 31, sentences: 5 }), { seed: 31 });
    let finals = 0;
    let killedWith = 0;
    const socket = (await connect(app.url)).socket;
    socket.on('transcript_final', () => finals++);
    // The first interim after the first final: an utterance is open, its decodes are under way.
    socket.on('transcript_interim', () => {
      if (finals === 0 || killedWith > 0) return;
      killedWith = first.calls;
      first.kill();
      setTimeout(() => void first.restart(), 1500);
    });
    const events = await liveStream(socket, speech, 3);
    expect(killedWith).toBeGreaterThan(0);
    expect(events.errors).toEqual([]);
    expect(wordErrorRate(scriptWords(speech), finalWords(events))).toBeLessThanOrEqual(0.02);
    const ids = events.finals.map((final) => final.utterance_id as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.finals).toHaveLength(speech.sentences.length);
    // Each sentence's words once: no utterance repeats speech that another already gave.
    expect(finalWords(events)).toHaveLength(scriptWords(speech).length);
  });
});
