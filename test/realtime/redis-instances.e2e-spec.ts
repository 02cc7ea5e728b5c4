import { randomUUID } from 'node:crypto';
import { RESULT_PUBLISHER, transcriptionResult, translationResult, type ResultPublisher } from '@app/results';
import { SESSION_STORE, type SessionStore } from '@app/session';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import {
  collect,
  connectClosedAfterEach,
  emitWithAck,
  nextEvent,
  type ClientSocket,
} from '../support/socket-client';

/** Two orchestrator instances on the real Redis: sessions and room broadcasts span both. */
describe('Socket.IO across two instances sharing Redis', () => {
  // A key prefix of its own keeps this test's sessions and broadcasts apart from other tests on the same Redis.
  const config = writeConfigFile({ redis: { key_prefix: `rt${randomUUID().slice(0, 8)}:` } });
  const env = { REDIS_URL: process.env.TEST_REDIS_URL, CONFIG_FILE: config.path };
  let first: RunningApp;
  let second: RunningApp;
  const connect = connectClosedAfterEach();
  const client = async (running: RunningApp): Promise<ClientSocket> => (await connect(running.url)).socket;

  beforeAll(async () => {
    [first, second] = await Promise.all([startApp(env), startApp(env)]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    config.remove();
  });

  it('delivers a result published on one instance to session members on the other, and to the sender once', async () => {
    const sender = await client(first);
    const remote = await client(second);
    await emitWithAck(sender, 'service_message', { type: 'join_session', session_id: 'multi-1' });
    const joined = await emitWithAck(remote, 'service_message', {
      type: 'join_session',
      session_id: 'multi-1',
    });
    expect((joined.participants as { connection_id: string }[]).map((p) => p.connection_id).sort()).toEqual(
      [sender.id, remote.id].sort(),
    );
    const senderResults = collect(sender, 'transcription_result');
    const remoteResult = nextEvent(remote, 'transcription_result');
    const payload = transcriptionResult(
      { chunkId: 'c-1', jobId: 'j-1', sessionId: 'multi-1' },
      {
        text: 'hello from instance one',
        language: 'en',
        segments: [],
        confidence: 0.9,
        backend: 'test',
        audioLevelDb: -20,
        speechDetected: true,
      },
    );
    first.app
      .get<ResultPublisher>(RESULT_PUBLISHER)
      .publish({ sessionId: 'multi-1', connectionId: sender.id }, 'transcription_result', payload);
    expect(await remoteResult).toEqual(payload);
    await new Promise((r) => setTimeout(r, 200));
    expect(senderResults).toEqual([payload]);
  });

  it('reaches a sender connected to the other instance by its connection id', async () => {
    const elsewhere = await client(second);
    const result = nextEvent(elsewhere, 'translation_result');
    const payload = translationResult(
      { chunkId: 'r-1' },
      {
        text: 'hello',
        translatedText: 'hola',
        sourceLanguage: 'en',
        targetLanguage: 'es',
        confidence: 0.9,
        backend: 'test',
      },
    );
    first.app
      .get<ResultPublisher>(RESULT_PUBLISHER)
      .publish({ connectionId: elsewhere.id }, 'translation_result', payload);
    expect(await result).toEqual(payload);
  });

  it('gives a client reconnecting to a restarted instance the session history', async () => {
    await first.app.get<SessionStore>(SESSION_STORE).append('multi-2', {
      kind: 'transcript',
      chunkId: 'c-9',
      at: new Date().toISOString(),
      text: 'kept in Redis',
      language: 'en',
      confidence: 0.8,
      segments: [],
      offset: 0,
      backend: 'test',
    });
    const member = await client(first);
    await emitWithAck(member, 'service_message', { type: 'join_session', session_id: 'multi-2' });
    await first.close();
    // A stopped instance takes its connections out of the sessions they were in.
    const stored = await second.app.get<SessionStore>(SESSION_STORE).get('multi-2');
    expect(stored?.participants).toEqual([]);
    first = await startApp(env);
    const socket = await client(first);
    const joined = await emitWithAck(socket, 'service_message', {
      type: 'join_session',
      session_id: 'multi-2',
    });
    expect(joined.history).toEqual([expect.objectContaining({ chunk_id: 'c-9', text: 'kept in Redis' })]);
  });
});
