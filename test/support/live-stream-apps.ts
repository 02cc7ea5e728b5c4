import { randomUUID } from 'node:crypto';
import type { DecodeCapacityView } from '../../libs/streams/src/live-streams.service';
import { writeConfigFile } from './config-file';
import { connectClosedAfterEach, emitWithAck, type ClientSocket } from './socket-client';
import { startToneSpeechEngine, type ToneSpeechEngine } from './tone-speech';
import { startApp, type RunningApp } from './app-harness';
import { servicesUp } from './services-up';

/**
 * HEALTH_CHECK_INTERVAL for live-stream tests whose engine never goes down. A probe times out at the
 * interval (at most 5 s): with 1 s, event-loop lag in the one jest process that hosts the engine, the app(s)
 * and every client took the engine out of rotation mid-test on a busy machine. Tests that take an engine
 * down and need it noticed at once keep 1 s.
 */
export const STEADY_ENGINE_HEALTH_CHECK_INTERVAL = '5';

/**
 * Two app instances sharing the test Redis, streaming to one whisper.cpp tone-speech engine with the real
 * Apertium behind them: the set-up of the live-stream tests that span instances. Resolves once each
 * instance has the engine in rotation.
 */
export async function startInstancesSharingRedis(
  engineUrl: string,
  configPath: string,
): Promise<[RunningApp, RunningApp]> {
  const env = {
    REDIS_URL: process.env.TEST_REDIS_URL,
    CONFIG_FILE: configPath,
    WHISPER_SERVICE_URL: engineUrl,
    WHISPER_SERVICE_KIND: 'whisper-cpp',
    TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
    TRANSLATION_SERVICE_KIND: 'apertium',
    STREAM_VAD: 'energy',
    HEALTH_CHECK_INTERVAL: STEADY_ENGINE_HEALTH_CHECK_INTERVAL,
  };
  const apps: [RunningApp, RunningApp] = await Promise.all([startApp(env), startApp(env)]);
  await Promise.all(apps.map((app) => servicesUp(app.url, ['whisper'])));
  return apps;
}

/** The live decode capacity of the instance at `appUrl`, as GET /api/streams shows it. */
export async function decodeCapacity(appUrl: string): Promise<DecodeCapacityView> {
  const { capacity } = (await (await fetch(`${appUrl}/api/streams`)).json()) as {
    capacity: DecodeCapacityView;
  };
  return capacity;
}

/** The stream as the instance at `appUrl` lists it in GET /api/streams, if it holds it. */
export async function streamOn(
  appUrl: string,
  streamId: string,
): Promise<Record<string, unknown> | undefined> {
  const { streams } = (await (await fetch(`${appUrl}/api/streams`)).json()) as {
    streams: Record<string, unknown>[];
  };
  return streams.find((stream) => stream.stream_id === streamId);
}

/** stream_start resuming a 16 kHz stream (CONTRACTS §3a), as a client that dropped sends it; the ack. */
export function resumeStream(
  socket: ClientSocket,
  streamId: string,
  { sessionId, lastUtteranceId }: { sessionId?: string; lastUtteranceId?: unknown },
): Promise<Record<string, unknown>> {
  return emitWithAck(socket, 'stream_start', {
    stream_id: streamId,
    resume: true,
    last_utterance_id: lastUtteranceId,
    encoding: 'pcm_s16le',
    sample_rate: 16000,
    session_id: sessionId,
  });
}

/** What a describe block spanning two instances uses: the engine, its front if any, the instances. */
export interface InstancesSharingRedis<Front> {
  engine: ToneSpeechEngine;
  front: Front;
  first: RunningApp;
  second: RunningApp;
  /** A client socket to `app`, closed after the test. */
  connect(app: RunningApp): Promise<ClientSocket>;
}

/**
 * For one describe block (call it at describe level): a whisper.cpp tone-speech engine with 4 slots,
 * optionally behind a `front` made for it, and two instances sharing the test Redis under a key prefix of
 * their own, with the given config sections; everything is stopped after the block. The fields are set
 * once the block's beforeAll has run.
 */
export function useInstancesSharingRedis<Front extends { url: string; close(): Promise<void> } | undefined>(
  options: { config?: Record<string, unknown>; front?: (engineUrl: string) => Promise<Front> } = {},
): InstancesSharingRedis<Front> {
  const config = writeConfigFile({
    ...options.config,
    redis: { key_prefix: `live${randomUUID().slice(0, 8)}:` },
  });
  const connectTo = connectClosedAfterEach();
  const fixture = {
    connect: async (app: RunningApp) => (await connectTo(app.url)).socket,
  } as InstancesSharingRedis<Front>;
  beforeAll(async () => {
    fixture.engine = await startToneSpeechEngine({ kind: 'whisper-cpp', slots: 4 });
    fixture.front = (await options.front?.(fixture.engine.url)) as Front;
    [fixture.first, fixture.second] = await startInstancesSharingRedis(
      fixture.front?.url ?? fixture.engine.url,
      config.path,
    );
  });
  afterAll(async () => {
    await Promise.all([fixture.first?.close(), fixture.second?.close()]);
    await fixture.front?.close();
    await fixture.engine?.stop();
    config.remove();
  });
  return fixture;
}
