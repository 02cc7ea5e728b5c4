import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { eventually } from '../support/eventually';
import { openToneStreams, sendLiveAudio, stopLiveStream } from '../support/live-stream-client';
import { connectClosedAfterEach, emitWithAck } from '../support/socket-client';
import {
  startToneSpeechEngine,
  transcriptWords,
  wordErrorRate,
  type ToneSpeechEngine,
} from '../support/tone-speech';
import { servicesUp } from '../support/services-up';
import { STEADY_ENGINE_HEALTH_CHECK_INTERVAL } from '../support/live-stream-apps';

const STREAMS = 4;
/** Sent twice as fast as real time: four streams ask the engine for about twice what its one slot can do. */
const SPEED = 2;

/**
 * Engines oversubscribed (issue 16): one decoder slot for four streams that want interim decodes every
 * 500 ms of audio and a final per utterance. Finals go first and are all delivered; interims are shed and
 * reported; lag stays bounded; and once finals are measured to fill the slot past `admission_max_load`, a
 * new stream is refused with ENGINES_SATURATED instead of being accepted into a lag that only grows.
 */
describe('Live streams: engines oversubscribed', () => {
  let engine: ToneSpeechEngine;
  let running: RunningApp;
  let config: { path: string; remove(): void };
  const connect = connectClosedAfterEach();
  const client = async () => (await connect(running.url)).socket;

  beforeAll(async () => {
    // 30 ms + 0.06 × audio: finals of four streams at 2× keep about half the slot busy, interims want
    // about three times that again.
    engine = await startToneSpeechEngine({ kind: 'openai', slots: 1, baseMs: 30, rtf: 0.06 });
    config = writeConfigFile({ streams: { admission_max_load: 0.3 } });
    running = await startApp({
      CONFIG_FILE: config.path,
      // Declared with its one slot as its cap: the scheduler's slots (derived from it) match the engine's,
      // so a final never waits behind interims at the engine.
      WHISPER_SERVICE_URL: `${engine.url}|1|1`,
      WHISPER_SERVICE_KIND: 'openai',
      STREAM_VAD: 'energy',
      HEALTH_CHECK_INTERVAL: STEADY_ENGINE_HEALTH_CHECK_INTERVAL,
    });
    await servicesUp(running.url, ['whisper']);
  });
  afterAll(async () => {
    await running.close();
    await engine.stop();
    config.remove();
  });

  it('delivers every final, sheds and reports interims, keeps lag bounded, and refuses a stream beyond capacity', async () => {
    // Connected before the load: on a busy machine a handshake under load can outlast its timeout.
    const late = await client();
    const runs = await openToneStreams(client, { count: STREAMS, firstSeed: 81, sentences: 6 });
    const sending = runs.map(({ socket, streamId, speech }) =>
      sendLiveAudio(socket, streamId, speech, { speed: SPEED }),
    );

    // Finals measured for 5 s fill more than admission_max_load of the slot: the next stream is refused.
    const refusal = await eventually(
      'a stream_start refused for saturated engines',
      async () => {
        const ack = await emitWithAck(late, 'stream_start', { encoding: 'pcm_s16le', sample_rate: 16000 });
        if (ack.ok) await stopLiveStream(late, ack.stream_id as string);
        return ack.ok ? undefined : ack;
      },
      { timeoutMs: 15000, intervalMs: 500 },
    );
    expect(refusal).toMatchObject({
      ok: false,
      error: { code: 'ENGINES_SATURATED', event: 'stream_start', retry_after_seconds: expect.any(Number) },
    });

    await Promise.all(sending);
    await Promise.all(runs.map(({ socket, streamId }) => stopLiveStream(socket, streamId, 60000)));
    const metrics = (await request(running.url).get('/metrics').expect(200)).text;
    const interims = (outcome: string) =>
      Number(
        new RegExp(`orchestration_live_interim_decodes_total\\{outcome="${outcome}"\\} (\\d+)`).exec(
          metrics,
        )?.[1],
      );
    // Oversubscribed: more interim decodes were asked for than the slot could make (made + shed ≥ 2 × made).
    expect(interims('shed')).toBeGreaterThanOrEqual(interims('made'));
    expect(metrics).toMatch(/orchestration_live_streams_refused_total\{code="ENGINES_SATURATED"\} [1-9]/);

    let shed = 0;
    for (const { speech, events } of runs) {
      expect(events.errors).toEqual([]);
      expect(events.finals).toHaveLength(speech.sentences.length);
      const heard = events.finals.flatMap((f) => transcriptWords(f.text as string));
      const spoken = speech.sentences.flatMap((s) => s.text.split(' '));
      expect(wordErrorRate(spoken, heard)).toBeLessThanOrEqual(0.02);
      const lags = events.statuses.map((status) => status.lag_ms as number);
      // Bounded: never more than about two utterances behind (sentences are ~3.4 s of audio).
      expect(Math.max(...lags)).toBeLessThan(8000);
      shed += Math.max(0, ...events.statuses.map((status) => status.shed_interim as number));
    }
    // Shed interims are reported to each stream in stream_status (the last report may predate the stop).
    expect(shed).toBeGreaterThan(0);
  });
});
