import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { eventually } from '../support/eventually';
import { recordLiveEvents, sendLiveAudio, stopLiveStream } from '../support/live-stream-client';
import { connectClient, emitWithAck, type ClientSocket } from '../support/socket-client';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  transcriptWords,
  wordErrorRate,
  type ToneSpeechEngine,
} from '../support/tone-speech';
import { startInstancesSharingRedis } from '../support/live-stream-apps';

/** With REDIS_URL: a stream on one instance reaches its session's members on the other, and its history. */
describe('Live streams across two instances sharing Redis', () => {
  const config = writeConfigFile({ redis: { key_prefix: `live${randomUUID().slice(0, 8)}:` } });
  let engine: ToneSpeechEngine;
  let first: RunningApp;
  let second: RunningApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    engine = await startToneSpeechEngine({ kind: 'whisper-cpp', slots: 2 });
    [first, second] = await startInstancesSharingRedis(engine.url, config.path);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await Promise.all([first.close(), second.close()]);
    await engine.stop();
    config.remove();
  });

  it('delivers every final and translation once to a session member on the other instance, and keeps them in the shared history', async () => {
    const sessionId = `live-${randomUUID().slice(0, 8)}`;
    const { socket: sender } = await connectClient(first.url);
    const { socket: member } = await connectClient(second.url);
    sockets.push(sender, member);
    await emitWithAck(member, 'service_message', { type: 'join_session', session_id: sessionId });
    const started = await emitWithAck(sender, 'stream_start', {
      encoding: 'pcm_s16le',
      sample_rate: 16000,
      language: 'en',
      session_id: sessionId,
      target_languages: ['es'],
    });
    const streamId = started.stream_id as string;
    const atSender = recordLiveEvents(sender, streamId);
    const atMember = recordLiveEvents(member, streamId);
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 71, sentences: 3 }), { seed: 71 });
    await sendLiveAudio(sender, streamId, speech);
    await stopLiveStream(sender, streamId);
    await eventually('the translations at the member', () => atMember.translations.length >= 3, {
      timeoutMs: 10000,
    });
    const reference = speech.sentences.flatMap((s) => s.text.split(' '));
    const heard = atMember.finals.flatMap((f) => transcriptWords(f.text as string));
    expect(wordErrorRate(reference, heard)).toBeLessThanOrEqual(0.02);
    expect(atMember.finals.map((f) => f.utterance_id)).toEqual(atSender.finals.map((f) => f.utterance_id));
    expect(atMember.finals).toHaveLength(3);
    expect(atMember.translations).toHaveLength(3);
    // The shared history answers on the other instance too.
    const session = await request(second.url).get(`/api/sessions/${sessionId}`).expect(200);
    const history = (session.body.history ?? session.body.session?.history) as { kind: string }[];
    expect(history.filter((e) => e.kind === 'transcript')).toHaveLength(3);
  });
});
