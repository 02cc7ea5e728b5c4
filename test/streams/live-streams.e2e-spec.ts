import request from 'supertest';
import { startApp, type RunningApp } from '../support/app-harness';
import {
  recordLiveEvents,
  sendLiveAudio,
  stopLiveStream,
  type LiveEvents,
} from '../support/live-stream-client';
import { connectClosedAfterEach, emitWithAck, nextEvent, type ClientSocket } from '../support/socket-client';
import {
  makeToneScript,
  startToneSpeechEngine,
  synthesizeToneSpeech,
  transcriptWords,
  wordErrorRate,
  type ToneSpeech,
  type ToneSpeechEngine,
} from '../support/tone-speech';
import { servicesUp } from '../support/services-up';
import { STEADY_ENGINE_HEALTH_CHECK_INTERVAL } from '../support/live-stream-apps';

/**
 * Live streams (CONTRACTS §3a) end to end: tone speech (§6) over real sockets into the real app, decoded by
 * the tone-speech engine, translated by the real Apertium. Frames go 10× faster than real time: what is
 * checked here is what the captions say and in which order, not how late they come (that is bench:live).
 */
describe('Live streams', () => {
  let engine: ToneSpeechEngine;
  let running: RunningApp;
  const connect = connectClosedAfterEach();
  const client = async (): Promise<ClientSocket> => (await connect(running.url)).socket;

  async function start(socket: ClientSocket, fields: Record<string, unknown> = {}): Promise<string> {
    const ack = await emitWithAck(socket, 'stream_start', {
      encoding: 'pcm_s16le',
      sample_rate: 16000,
      channels: 1,
      language: 'en',
      target_languages: [],
      ...fields,
    });
    expect(ack).toMatchObject({ ok: true, resume_from_ms: 0 });
    return ack.stream_id as string;
  }

  function finalWords(events: LiveEvents): string[] {
    return events.finals.flatMap((f) => transcriptWords(f.text as string));
  }

  function scriptWords(speech: ToneSpeech): string[] {
    return speech.sentences.flatMap((s) => s.text.split(' '));
  }

  beforeAll(async () => {
    engine = await startToneSpeechEngine({ kind: 'openai', slots: 4 });
    running = await startApp({
      WHISPER_SERVICE_URL: engine.url,
      WHISPER_SERVICE_KIND: 'openai',
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
      STREAM_VAD: 'energy',
      // Probed every second: a probe that timed out on a busy machine puts it back in rotation soon.
      HEALTH_CHECK_INTERVAL: STEADY_ENGINE_HEALTH_CHECK_INTERVAL,
    });
    await servicesUp(running.url, ['whisper', 'translation']);
  });
  afterAll(async () => {
    await running.close();
    await engine.stop();
  });

  it('turns several scripts into finals with at most 2% word errors, in order, each once, interim first, each translated to Spanish by Apertium', async () => {
    const runs = await Promise.all(
      [11, 12, 13].map(async (seed) => {
        const speech = synthesizeToneSpeech(makeToneScript({ seed, sentences: 4 }), { seed });
        const socket = await client();
        const streamId = await start(socket, { target_languages: ['es'] });
        const events = recordLiveEvents(socket, streamId);
        await sendLiveAudio(socket, streamId, speech);
        const stopped = nextEvent(socket, 'stream_stopped', 30000);
        const ack = await stopLiveStream(socket, streamId);
        return { speech, streamId, events, ack, stopped: await stopped };
      }),
    );
    for (const { speech, streamId, events, ack, stopped } of runs) {
      expect(wordErrorRate(scriptWords(speech), finalWords(events))).toBeLessThanOrEqual(0.02);
      const ids = events.finals.map((f) => f.utterance_id as string);
      expect(new Set(ids).size).toBe(ids.length);
      const starts = events.finals.map((f) => f.start_ms as number);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(events.finals).toHaveLength(speech.sentences.length);
      expect(ack).toMatchObject({ ok: true, stream_id: streamId, finals: ids.length });
      expect(stopped).toEqual({ stream_id: streamId, audio_ms: expect.any(Number), finals: ids.length });
      expect(Math.abs((stopped.audio_ms as number) - speech.durationMs)).toBeLessThan(20);
      // Each final comes with word timings inside its utterance, on the stream's clock.
      for (const final of events.finals) {
        const words = final.words as { start_ms: number; end_ms: number }[];
        expect(words.length).toBeGreaterThan(0);
        expect(words[0].start_ms).toBeGreaterThanOrEqual(final.start_ms as number);
        expect(words.at(-1)!.end_ms).toBeLessThanOrEqual((final.end_ms as number) + 1);
      }
      // One Spanish translation per final, from Apertium, naming its utterance.
      expect(events.translations.map((t) => t.utterance_id).sort()).toEqual([...ids].sort());
      for (const translation of events.translations) {
        expect(translation).toMatchObject({
          target_lang: 'es',
          backend: expect.stringContaining('apertium'),
        });
        expect(translation.translated_text).not.toBe(translation.text);
      }
      expect(events.errors).toEqual([]);
    }
  });

  it('shows interim captions of an open utterance before its final, never after it', async () => {
    // Twice real time: at 10× an utterance lasts less wall time than its interim decodes take.
    const speech = synthesizeToneSpeech(
      makeToneScript({ seed: 15, sentences: 2, wordsPerSentence: [6, 8] }),
      {
        seed: 15,
      },
    );
    const socket = await client();
    const streamId = await start(socket);
    const events = recordLiveEvents(socket, streamId);
    await sendLiveAudio(socket, streamId, speech, { frameMs: 100, speed: 2 });
    await stopLiveStream(socket, streamId);
    expect(events.errors).toEqual([]);
    expect(events.finals).toHaveLength(2);
    const finalAt = new Map(
      events.order.flatMap((e, i) => (e.event === 'transcript_final' ? [[e.utterance, i]] : [])),
    );
    for (const final of events.finals) {
      const shown = events.order.findIndex(
        (e) => e.event === 'transcript_interim' && e.utterance === final.utterance_id,
      );
      expect(shown).toBeGreaterThanOrEqual(0);
      expect(shown).toBeLessThan(finalAt.get(final.utterance_id as string)!);
    }
    events.order.forEach((e, i) => {
      if (e.event === 'transcript_interim') expect(i).toBeLessThan(finalAt.get(e.utterance)!);
    });
    // Stable text only grows within an utterance, and is a prefix of the text shown with it.
    for (const interim of events.interims) {
      expect((interim.text as string).startsWith(interim.stable_text as string)).toBe(true);
    }
  });

  it('finalises the utterance still open when the client stops', async () => {
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 21, sentences: 2 }), { seed: 21, tailMs: 0 });
    const socket = await client();
    const streamId = await start(socket);
    const events = recordLiveEvents(socket, streamId);
    await sendLiveAudio(socket, streamId, speech);
    const ack = await stopLiveStream(socket, streamId);
    expect(events.errors).toEqual([]);
    expect(ack.finals).toBe(2);
    expect(wordErrorRate(scriptWords(speech), finalWords(events))).toBeLessThanOrEqual(0.02);
    expect(events.finals.at(-1)!.end_ms).toBeGreaterThanOrEqual(speech.sentences[1].endMs - 10);
  });

  it('trims overlapping frames and fills a gap with silence that it counts', async () => {
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 31, sentences: 3 }), { seed: 31 });
    const socket = await client();
    const streamId = await start(socket);
    const events = recordLiveEvents(socket, streamId);
    // One 250 ms frame inside a sentence gap is lost (a gap of near-silence); every other frame also
    // re-sends the 100 ms before it, which must not be heard twice.
    const frameMs = 250;
    const gapAt = speech.sentences
      .slice(1)
      .map((next, i) => Math.ceil((speech.sentences[i].endMs + 50) / frameMs) * frameMs)
      .find((at, i) => at + frameMs <= speech.sentences[i + 1].startMs - 50);
    expect(gapAt).toBeDefined();
    await sendLiveAudio(socket, streamId, speech, {
      frameMs,
      speed: 5,
      alter: ({ offsetMs, samples }) => {
        if (offsetMs === gapAt) return undefined;
        if (offsetMs === 0) return { offsetMs, samples };
        const back = 1600;
        const from = Math.round((offsetMs * 16000) / 1000) - back;
        return {
          offsetMs: offsetMs - 100,
          samples: speech.samples.slice(from, from + back + samples.length),
        };
      },
    });
    const status = nextEvent<Record<string, unknown>>(socket, 'stream_status', 3000);
    // The frame after the lost one re-sends its last 100 ms, so 150 ms stay missing.
    expect(await status).toMatchObject({ stream_id: streamId, gaps_ms: frameMs - 100 });
    await stopLiveStream(socket, streamId);
    expect(events.errors).toEqual([]);
    expect(events.finals).toHaveLength(3);
    expect(wordErrorRate(scriptWords(speech), finalWords(events))).toBeLessThanOrEqual(0.02);
  });

  it('keeps finals and translations in the session history for late joiners and the SRT export', async () => {
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 41, sentences: 2 }), { seed: 41 });
    const socket = await client();
    await emitWithAck(socket, 'service_message', { type: 'join_session', session_id: 'live-history' });
    const streamId = await start(socket, { session_id: 'live-history', target_languages: ['es'] });
    const events = recordLiveEvents(socket, streamId);
    await sendLiveAudio(socket, streamId, speech);
    await stopLiveStream(socket, streamId);
    const late = await client();
    const joined = await emitWithAck(late, 'service_message', {
      type: 'join_session',
      session_id: 'live-history',
    });
    const history = joined.history as Record<string, unknown>[];
    const ids = events.finals.map((f) => f.utterance_id);
    expect(history.filter((e) => e.kind === 'transcript').map((e) => e.chunk_id)).toEqual(ids);
    expect(history.filter((e) => e.kind === 'translation')).toHaveLength(ids.length);
    const srt = await request(running.url).get('/api/sessions/live-history/export?format=srt').expect(200);
    for (const final of events.finals) expect(srt.text).toContain(final.text as string);
    const spanish = await request(running.url)
      .get('/api/sessions/live-history/export?format=srt&lang=es')
      .expect(200);
    for (const translation of events.translations)
      expect(spanish.text).toContain(translation.translated_text as string);
  });

  it('resamples a 48 kHz stream for the engine', async () => {
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 51, sentences: 2 }), {
      seed: 51,
      sampleRate: 48000,
    });
    const socket = await client();
    const streamId = await start(socket, { sample_rate: 48000 });
    const events = recordLiveEvents(socket, streamId);
    await sendLiveAudio(socket, streamId, speech);
    await stopLiveStream(socket, streamId);
    expect(wordErrorRate(scriptWords(speech), finalWords(events))).toBeLessThanOrEqual(0.02);
  });

  it('reports open streams with their lag figures at GET /api/streams and in stream_status', async () => {
    const speech = synthesizeToneSpeech(makeToneScript({ seed: 61, sentences: 1 }), { seed: 61 });
    const socket = await client();
    const streamId = await start(socket);
    await sendLiveAudio(socket, streamId, speech);
    const status = await nextEvent<Record<string, unknown>>(socket, 'stream_status', 3000);
    expect(status).toEqual({
      stream_id: streamId,
      received_ms: expect.any(Number),
      final_ms: expect.any(Number),
      lag_ms: expect.any(Number),
      rtf: expect.any(Number),
      gaps_ms: 0,
      shed_interim: expect.any(Number),
      state: 'active',
      slow_down: [],
      held_finals: 0,
    });
    const listed = await request(running.url).get('/api/streams').expect(200);
    expect(listed.body.streams).toContainEqual(
      expect.objectContaining({ stream_id: streamId, sample_rate: 16000, received_ms: expect.any(Number) }),
    );
    await stopLiveStream(socket, streamId);
    const after = await request(running.url).get('/api/streams').expect(200);
    expect(after.body.streams.map((s: { stream_id: string }) => s.stream_id)).not.toContain(streamId);
    const metrics = await request(running.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/orchestration_live_final_latency_seconds_count \d+/);
    expect(metrics.text).toMatch(/orchestration_live_interim_decodes_total\{outcome="made"\} [1-9]/);
  });
});
