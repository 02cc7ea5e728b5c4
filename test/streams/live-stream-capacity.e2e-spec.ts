import request from 'supertest';
import { METRIC } from '@app/common';
import { startApp, type RunningApp } from '../support/app-harness';
import { eventually } from '../support/eventually';
import { decodeCapacity } from '../support/live-stream-apps';
import { openToneStreams, sendLiveAudio, stopLiveStream } from '../support/live-stream-client';
import { scrape } from '../support/prometheus-scrape';
import { servicesUp } from '../support/services-up';
import { connectClosedAfterEach, emitWithAck, type ClientSocket } from '../support/socket-client';
import {
  startToneSpeechEngine,
  transcriptWords,
  wordErrorRate,
  type ToneSpeechEngine,
} from '../support/tone-speech';

const STREAMS = 2;
/** Sent three times as fast as real time: a final every ~1.1 s per stream. */
const SPEED = 3;

/**
 * Admission follows the measured capacity of the speech-to-text pool (issue 16), with no decode setting in
 * `streams`: two tone-speech engines declared with their decoder slots as caps (3 and 1) give 4 decode
 * slots. Two open streams whose finals (500 ms each, interims off) keep about 0.9 of a slot busy leave room
 * for a third against 0.8 × 4; with the 3-slot engine killed the pool serves 1, and 0.8 × 1 is not enough:
 * the third is refused ENGINES_SATURATED while the open streams keep every final; restarted, it is admitted
 * again; with no engine left, BACKEND_UNAVAILABLE.
 */
describe('Live streams: admission follows the pool capacity', () => {
  let big: ToneSpeechEngine;
  let small: ToneSpeechEngine;
  let running: RunningApp;
  const connect = connectClosedAfterEach();
  const client = async () => (await connect(running.url)).socket;

  const capacity = () => decodeCapacity(running.url);

  /** A stream_start's answer; an admitted stream is stopped again at once. */
  async function tryStart(socket: ClientSocket): Promise<Record<string, unknown>> {
    const ack = await emitWithAck(socket, 'stream_start', { encoding: 'pcm_s16le', sample_rate: 16000 });
    if (ack.ok) await stopLiveStream(socket, ack.stream_id as string);
    return ack;
  }

  beforeAll(async () => {
    // rtf 0: every decode takes its base time, so the finals' load does not depend on utterance lengths.
    [big, small] = await Promise.all([
      startToneSpeechEngine({ kind: 'openai', slots: 3, baseMs: 500, rtf: 0 }),
      startToneSpeechEngine({ kind: 'openai', slots: 1, baseMs: 500, rtf: 0 }),
    ]);
    running = await startApp({
      WHISPER_SERVICE_URL: `${big.url}|1|3,${small.url}|1|1`,
      WHISPER_SERVICE_KIND: 'openai',
      STREAM_VAD: 'energy',
      HEALTH_CHECK_INTERVAL: '1',
    });
    await servicesUp(running.url, ['whisper'], { everyInstance: true });
  });
  afterAll(async () => {
    await running.close();
    await Promise.all([big.stop(), small.stop()]);
  });

  it('admits streams while the finals fit the live instances, refuses them when one dies, and admits again when it returns', async () => {
    expect(await capacity()).toMatchObject({ decode_slots: 4, pool_slots: 4, max_concurrent_decodes: null });
    expect((await scrape(running.url)).value(METRIC.liveDecodeSlots)).toBe(4);
    const { body: services } = await request(running.url).get('/api/services').expect(200);
    expect(services.services.whisper.instances.map((i: { slots: number }) => i.slots)).toEqual([3, 1]);

    // Connected before the load: on a busy machine a handshake under load can outlast its timeout.
    const late = await client();
    const runs = await openToneStreams(client, {
      count: STREAMS,
      firstSeed: 91,
      sentences: 14,
      start: { interim_results: false },
    });
    const sending = runs.map(({ socket, streamId, speech }) =>
      sendLiveAudio(socket, streamId, speech, { speed: SPEED }),
    );

    // Measured (5 s of finals), and room for one more on 4 slots.
    await eventually('the finals measured', async () => (await capacity()).finals_load !== null, {
      timeoutMs: 15000,
      intervalMs: 250,
    });
    expect(await tryStart(late)).toMatchObject({ ok: true });

    big.kill();
    await eventually('capacity down to the small engine', async () => (await capacity()).decode_slots === 1, {
      timeoutMs: 10000,
      intervalMs: 100,
    });
    const refused = await tryStart(late);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'ENGINES_SATURATED', event: 'stream_start', slots: 1, load: expect.any(Number) },
    });

    await big.restart();
    await eventually('capacity back', async () => (await capacity()).decode_slots === 4, {
      timeoutMs: 10000,
      intervalMs: 100,
    });
    expect(await tryStart(late)).toMatchObject({ ok: true });

    await Promise.all(sending);
    await Promise.all(runs.map(({ socket, streamId }) => stopLiveStream(socket, streamId, 60000)));
    for (const { speech, events } of runs) {
      // The open streams kept every final: a decode cut by the kill went to the other engine.
      expect(events.errors).toEqual([]);
      const heard = events.finals.flatMap((f) => transcriptWords(f.text as string));
      const spoken = speech.sentences.flatMap((s) => s.text.split(' '));
      expect(wordErrorRate(spoken, heard)).toBeLessThanOrEqual(0.02);
    }
    const metrics = await scrape(running.url);
    expect(metrics.value(METRIC.liveStreamsRefused, { code: 'ENGINES_SATURATED' })).toBeGreaterThanOrEqual(1);

    // No engine left: nothing to measure against.
    big.kill();
    small.kill();
    await eventually('no capacity', async () => (await capacity()).decode_slots === 0, {
      timeoutMs: 10000,
      intervalMs: 100,
    });
    expect(await tryStart(late)).toMatchObject({
      ok: false,
      error: { code: 'BACKEND_UNAVAILABLE', service: 'whisper' },
    });
    expect((await scrape(running.url)).value(METRIC.liveDecodeSlots)).toBe(0);
    await Promise.all([big.restart(), small.restart()]);
  });
});
