import { randomUUID } from 'node:crypto';
import { startApp, type RunningApp } from '../support/app-harness';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { startPipelineWorker, type WorkerProcess } from '../support/pipeline-worker-process';
import {
  collect,
  connectClosedAfterEach,
  emitWithAck,
  nextEvent,
  type ClientSocket,
} from '../support/socket-client';
import { tone } from '../support/wav';
import {
  livetranslateWhisperReply,
  pipelineConfigFile,
  spokenWav,
  startFakeWhisper,
} from '../pipeline/pipeline-harness';

/**
 * CONTRACTS §3: the transcription_stream acknowledgement answers with the transcription_result payload (or
 * `{ ok: false, error }`), in every pipeline mode: stages in the orchestrator (memory or BullMQ), and stages
 * in a separate apps/pipeline-worker whose results reach clients through the Socket.IO Redis emitter.
 */
interface Mode {
  name: string;
  redis: boolean;
  separateWorker: boolean;
}

const MODES: Mode[] = [
  { name: 'in-process driver', redis: false, separateWorker: false },
  { name: 'BullMQ on Redis, workers in the orchestrator', redis: true, separateWorker: false },
  { name: 'BullMQ on Redis, a separate pipeline worker', redis: true, separateWorker: true },
];

describe.each(MODES)('transcription_stream acknowledgement ($name)', (mode) => {
  let whisper: FakeEngineServer;
  let running: RunningApp;
  let worker: WorkerProcess | undefined;
  const connect = connectClosedAfterEach();

  async function joined(sessionId: string): Promise<ClientSocket> {
    const { socket } = await connect(running.url);
    await emitWithAck(socket, 'service_message', { type: 'join_session', session_id: sessionId });
    return socket;
  }

  function chunk(sessionId: string, chunkId: string, audio: Buffer): Record<string, unknown> {
    return { audio_data: audio.toString('base64'), format: 'wav', chunk_id: chunkId, session_id: sessionId };
  }

  beforeAll(async () => {
    whisper = await startFakeWhisper();
    const env = {
      REDIS_URL: mode.redis ? process.env.TEST_REDIS_URL : undefined,
      REDIS_KEY_PREFIX: mode.redis ? `transcription-ack-${randomUUID()}:` : undefined,
      // No gateway retries and no open breaker: a rejected transcription fails on its first attempt.
      CONFIG_FILE: pipelineConfigFile(
        { backoff_ms: 50, attempts: 2, run_workers_in_process: !mode.separateWorker },
        'gateway:\n  retries: 0\n  circuit_breaker_threshold: 1000',
      ),
      WHISPER_SERVICE_URL: whisper.url,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
    };
    running = await startApp(env);
    if (mode.separateWorker) {
      worker = startPipelineWorker(env);
      await worker.ready();
    }
  }, 90_000);

  afterAll(async () => {
    await worker?.kill('SIGTERM');
    await running?.close();
    await whisper?.close();
  });

  afterEach(() => {
    whisper.handle((r) => livetranslateWhisperReply(r, 'Good morning, my friend'));
  });

  it('acknowledges with the payload of the transcription_result event, job id included', async () => {
    const session = `ack-ok-${randomUUID()}`;
    const sender = await joined(session);
    const member = await joined(session);
    const event = nextEvent(member, 'transcription_result', 15_000);

    const ack = await emitWithAck(sender, 'transcription_stream', chunk(session, 'c-1', spokenWav()));

    expect(ack).toMatchObject({
      chunk_id: 'c-1',
      job_id: expect.stringMatching(/^pj_/),
      session_id: session,
      text: 'Good morning, my friend',
      language: 'en',
      speech_detected: true,
    });
    expect(ack).not.toHaveProperty('ok');
    expect(await event).toEqual(ack);
  });

  it('acknowledges a re-sent chunk with the outcome of the job it already made', async () => {
    const session = `ack-again-${randomUUID()}`;
    const sender = await joined(session);
    const first = await emitWithAck(sender, 'transcription_stream', chunk(session, 'c-1', spokenWav()));
    const again = await emitWithAck(sender, 'transcription_stream', chunk(session, 'c-1', spokenWav()));
    expect(again).toEqual(first);
    expect(whisper.requests.filter((r) => r.fields.get('session_id') === session)).toHaveLength(1);
  });

  it('acknowledges a silent chunk with the result the pipeline publishes for it', async () => {
    const session = `ack-silence-${randomUUID()}`;
    const sender = await joined(session);
    const event = nextEvent(sender, 'transcription_result', 15_000);
    const ack = await emitWithAck(sender, 'transcription_stream', chunk(session, 'quiet', tone(0.5, 0)));
    expect(ack).toMatchObject({ chunk_id: 'quiet', text: '', speech_detected: false, backend: 'vad' });
    expect(await event).toEqual(ack);
  });

  it("waits for the transcript outside the session's lane: other stream work of the session goes on", async () => {
    whisper.handle((r) => ({ ...livetranslateWhisperReply(r, 'Good morning, my friend'), delayMs: 2_000 }));
    const session = `ack-lane-${randomUUID()}`;
    const sender = await joined(session);
    const started = Date.now();
    const transcribed = emitWithAck(sender, 'transcription_stream', chunk(session, 'slow', spokenWav()));
    const translated = await emitWithAck(sender, 'translation_stream', {
      text: 'Good morning',
      source_lang: 'en',
      target_lang: 'es',
      session_id: session,
    });
    expect(translated).toMatchObject({ session_id: session, target_lang: 'es' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await transcribed).toMatchObject({ chunk_id: 'slow', text: 'Good morning, my friend' });
  });

  it('acknowledges a finally failed transcription with { ok: false, error } equal to the error event', async () => {
    whisper.handle(() => ({ status: 400, json: { error: 'No audio file provided' } }));
    const session = `ack-fail-${randomUUID()}`;
    const sender = await joined(session);
    const errorEvent = nextEvent(sender, 'error', 15_000);
    const results = collect(sender, 'transcription_result');

    const ack = await emitWithAck(sender, 'transcription_stream', chunk(session, 'bad', spokenWav()));

    expect(ack).toMatchObject({
      ok: false,
      error: {
        code: expect.any(String),
        message: expect.stringContaining('No audio file provided'),
        event: 'transcription_stream',
        chunk_id: 'bad',
        job_id: expect.stringMatching(/^pj_/),
        stage: 'transcription',
      },
    });
    expect(await errorEvent).toEqual((ack as { error: unknown }).error);
    expect(results).toEqual([]);
  });
});
