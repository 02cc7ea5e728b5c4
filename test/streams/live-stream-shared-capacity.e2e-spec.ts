import { randomUUID } from 'node:crypto';
import type { RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { eventually } from '../support/eventually';
import { decodeCapacity, startInstancesSharingRedis } from '../support/live-stream-apps';
import {
  recordLiveEvents,
  sendLiveAudio,
  stopLiveStream,
  type LiveEvents,
} from '../support/live-stream-client';
import { connectClosedAfterEach, emitWithAck } from '../support/socket-client';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  type ToneSpeechEngine,
} from '../support/tone-speech';

/** The engine's decoder slots, declared as its cap: the pool both instances share. */
const SLOTS = 4;
/** Sent three times as fast as real time: a final every ~1.1 s per stream, ~0.45 of a slot busy. */
const SPEED = 3;
/** Long enough to outlast the ramp below. */
const SENTENCES = 20;
/** More streams than the pool takes twice over, so a ramp that ends short of it was refused. */
const MOST_STREAMS = 18;

/**
 * With REDIS_URL, orchestrator instances sharing one engine share its slots (issue 16): each takes its
 * share of the pool by its open streams, and admission measures every instance's finals against the
 * pool's slots, so two instances together stop at the pool's worth of finals (0.8 × 4 slots: about seven
 * streams of ~0.45 slot each), not twice that as when each counted the whole pool. An instance that stops
 * gives its share back to the other.
 */
describe('Live streams: instances sharing Redis share the engines’ decode slots', () => {
  const config = writeConfigFile({ redis: { key_prefix: `share${randomUUID().slice(0, 8)}:` } });
  let engine: ToneSpeechEngine;
  let apps: [RunningApp, RunningApp];
  const connect = connectClosedAfterEach();

  const capacity = (app: RunningApp) => decodeCapacity(app.url);

  beforeAll(async () => {
    // rtf 0: every decode takes its base time, so the finals' load does not depend on utterance lengths.
    engine = await startToneSpeechEngine({ kind: 'whisper-cpp', slots: SLOTS, baseMs: 500, rtf: 0 });
    apps = await startInstancesSharingRedis(`${engine.url}|1|${SLOTS}`, config.path);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await engine.stop();
    config.remove();
  });

  it('admits streams across both instances up to the pool’s worth of finals, splits the slots, and gives a stopped instance’s share back', async () => {
    await eventually(
      'each instance hears the other',
      async () => (await Promise.all(apps.map(capacity))).every((c) => c.cluster.instances === 2),
      { timeoutMs: 10000, intervalMs: 100 },
    );
    expect(await capacity(apps[0])).toMatchObject({ pool_slots: SLOTS, cluster: { slots: SLOTS } });

    const opened: {
      app: number;
      socket: Awaited<ReturnType<typeof connect>>['socket'];
      streamId: string;
      events: LiveEvents;
      sent: Promise<void>;
      /** Stops sending audio (the rest is not needed). */
      halt: AbortController;
    }[] = [];
    /** Opens a stream on instance `app` and streams tone speech into it; its ack. */
    const open = async (app: number): Promise<Record<string, unknown>> => {
      const { socket } = await connect(apps[app].url);
      const ack = await emitWithAck(socket, 'stream_start', {
        encoding: 'pcm_s16le',
        sample_rate: 16000,
        language: 'en',
        target_languages: [],
        interim_results: false,
      });
      if (!ack.ok) return ack;
      const streamId = ack.stream_id as string;
      const events = recordLiveEvents(socket, streamId);
      const seed = 300 + opened.length;
      const speech = synthesizeToneSpeech(makeToneScript({ seed, sentences: SENTENCES }), { seed });
      const halt = new AbortController();
      const sent = sendLiveAudio(socket, streamId, speech, { speed: SPEED, signal: halt.signal });
      sent.catch(() => undefined); // awaited below; a failed test must not leave it unhandled
      opened.push({ app, socket, streamId, events, sent, halt });
      return ack;
    };

    // Two streams on the first instance, measured (5 s of finals) and heard by the second.
    expect(await open(0)).toMatchObject({ ok: true });
    expect(await open(0)).toMatchObject({ ok: true });
    await eventually(
      'the first instance’s finals load heard by the second',
      async () => {
        const { cluster } = await capacity(apps[1]);
        return cluster.streams === 2 && cluster.finals_load !== null;
      },
      { timeoutMs: 20000, intervalMs: 250 },
    );
    // The second instance, idle, counts as one stream against the first's two: a third of the pool.
    expect(await capacity(apps[1])).toMatchObject({ share_slots: 1, decode_slots: 1 });

    // One more stream at a time, on the second instance then the first, until one is refused.
    let refused: Record<string, unknown> | undefined;
    let loadsAtRefusal: number[] = [];
    while (!refused && opened.length < MOST_STREAMS) {
      const ack = await open((opened.length + 1) % 2);
      if (ack.ok) await new Promise((resolve) => setTimeout(resolve, 2000));
      else {
        refused = ack;
        loadsAtRefusal = (await Promise.all(apps.map(capacity))).map((c) => c.finals_load ?? 0);
      }
    }
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'ENGINES_SATURATED', event: 'stream_start', slots: SLOTS },
    });
    // Refused once both instances' finals together, each measured where it runs, would pass 0.8 of the
    // pool's 4 slots (or finals queue beyond an instance's share): 2.5 to 3 slots busy, whatever the
    // machine's speed makes of the streams' count (seven or eight of ~0.45 slot each here; the 30 s average
    // trails a ramp by a stream or two). Each instance counting the whole pool for itself would have gone
    // on to about twice that.
    expect(opened.length).toBeGreaterThanOrEqual(3);
    const measured = loadsAtRefusal[0] + loadsAtRefusal[1];
    expect(measured).toBeGreaterThanOrEqual(0.25 * SLOTS);
    expect(measured).toBeLessThanOrEqual(SLOTS);
    const onEach = [0, 1].map((app) => opened.filter((stream) => stream.app === app).length);
    expect(onEach.every((count) => count >= 1)).toBe(true);

    // The slots split by open streams, adding up to the pool.
    const split = await eventually(
      'the shares settled',
      async () => {
        const both = await Promise.all(apps.map(capacity));
        return both.every((c) => c.cluster.streams === opened.length && c.share_slots >= 1) &&
          both[0].share_slots + both[1].share_slots === SLOTS
          ? both
          : undefined;
      },
      { timeoutMs: 10000, intervalMs: 100 },
    );
    const busier = onEach[0] >= onEach[1] ? 0 : 1;
    expect(split[busier].share_slots).toBeGreaterThanOrEqual(split[1 - busier].share_slots);

    // The second instance's streams end and it stops: the first gets the whole pool back.
    const second = opened.filter((stream) => stream.app === 1);
    for (const stream of second) stream.halt.abort();
    await Promise.all(second.map((stream) => stream.sent));
    await Promise.all(second.map(({ socket, streamId }) => stopLiveStream(socket, streamId, 60000)));
    const stoppedAt = performance.now();
    await apps[1].close();
    await eventually(
      'the whole pool back on the first instance',
      async () => {
        const c = await capacity(apps[0]);
        return c.cluster.instances === 1 && c.decode_slots === SLOTS;
      },
      { timeoutMs: 10000, intervalMs: 100 },
    );
    expect(performance.now() - stoppedAt).toBeLessThan(6000);

    // The rest of the speech is not needed: the streams stop where they are.
    const first = opened.filter((stream) => stream.app === 0);
    for (const stream of first) stream.halt.abort();
    await Promise.all(first.map((stream) => stream.sent));
    await Promise.all(first.map(({ socket, streamId }) => stopLiveStream(socket, streamId, 60000)));
    // The streams that stayed lost no final to the other's shutdown or the split.
    for (const { events } of first) expect(events.errors).toEqual([]);
  });
});
