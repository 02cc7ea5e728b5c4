import { io, type Socket } from 'socket.io-client';
import { pcm16Wav } from '../test/support/wav';
import { transcriptWords, type ToneSpeech } from '../test/support/tone-speech';
import type { ShownText } from './tone-scoring';

/** The chunked path of CONTRACTS §3 at the dashboard's two chunk lengths, and the live path of §3a. */
export const STREAM_MODES = ['chunked-3s', 'chunked-1s', 'live'] as const;
export type StreamMode = (typeof STREAM_MODES)[number];

const CHUNK_MS: Record<Exclude<StreamMode, 'live'>, number> = { 'chunked-3s': 3000, 'chunked-1s': 1000 };
/** Live frames: ~100 ms, as an AudioWorklet capture batches them. */
const FRAME_MS = 100;
const ACK_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 120_000;

/** One client's speech, and when (after the run's start) it begins talking. */
export interface StreamPlan {
  index: number;
  speech: ToneSpeech;
  startDelayMs: number;
}

export interface StreamOutcome {
  plan: StreamPlan;
  shown: ShownText[];
  /** The final transcript's words, in audio order. */
  finalWords: string[];
  /** `error` events and failed acknowledgements, by code. */
  errors: string[];
  /** Utterance ids that came as `transcript_final` more than once (live). */
  repeatedFinals: number;
  /** Audio the client still held at the end: after the end of its last final, for a resume (live). */
  retainedMs: number;
  /** How late audio left the client after it was due, ms (the client's own lag, not the server's). */
  sendLateness: number[];
}

/** A client sending its speech in real time, chunk by chunk or frame by frame. */
interface ToneStreamClient {
  /** Sends whatever audio is due `nowMs` into the stream; true once everything is sent. */
  tick(nowMs: number): boolean;
  /** Waits for the last answers and returns what the client saw. */
  finish(): Promise<StreamOutcome>;
}

const samplesAt = (speech: ToneSpeech, ms: number) =>
  Math.min(speech.samples.length, Math.round((ms * speech.sampleRate) / 1000));

function connect(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000 });
  return new Promise((resolve, reject) => {
    socket.once('connected', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

function outcome(plan: StreamPlan): StreamOutcome {
  return { plan, shown: [], finalWords: [], errors: [], repeatedFinals: 0, retainedMs: 0, sendLateness: [] };
}

/** The dashboard's recorder: a WAV file per chunk as `transcription_stream`, each decoded alone. */
function chunkedClient(
  socket: Socket,
  plan: StreamPlan,
  chunkMs: number,
  now: () => number,
): ToneStreamClient {
  const result = outcome(plan);
  const { speech } = plan;
  const chunks = Math.ceil(speech.durationMs / chunkMs);
  const words: string[][] = [];
  const answers: Promise<void>[] = [];
  let next = 0;
  return {
    tick(nowMs) {
      while (next < chunks && nowMs >= Math.min((next + 1) * chunkMs, speech.durationMs)) {
        const k = next++;
        const fromMs = k * chunkMs;
        const toMs = Math.min(fromMs + chunkMs, speech.durationMs);
        result.sendLateness.push(nowMs - toMs);
        const audio = pcm16Wav(
          speech.samples.subarray(samplesAt(speech, fromMs), samplesAt(speech, toMs)),
          speech.sampleRate,
        );
        answers.push(
          socket
            .timeout(ACK_TIMEOUT_MS)
            .emitWithAck('transcription_stream', {
              audio_data: audio,
              format: 'wav',
              sample_rate: speech.sampleRate,
              language: 'en',
              chunk_id: `bench-${plan.index}-${k}`,
              target_languages: [],
            })
            .then(
              (reply: { ok?: boolean; text?: string; error?: { code?: string } }) => {
                if (reply.ok === false) result.errors.push(reply.error?.code ?? 'error');
                words[k] = transcriptWords(reply.text ?? '');
                result.shown.push({ atMs: now(), fromMs, toMs, words: words[k], final: true });
              },
              () => void result.errors.push('ack_timeout'),
            ),
        );
      }
      return next >= chunks;
    },
    async finish() {
      await Promise.all(answers);
      result.finalWords = words.flatMap((w) => w ?? []);
      return result;
    },
  };
}

interface FinalPayload {
  stream_id: string;
  utterance_id: string;
  text: string;
  start_ms: number;
  end_ms: number;
}

/** A live stream (CONTRACTS §3a): raw PCM frames as they are captured; interim and final captions back. */
async function liveClient(socket: Socket, plan: StreamPlan, now: () => number): Promise<ToneStreamClient> {
  const result = outcome(plan);
  const { speech } = plan;
  const started = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('stream_start', {
    encoding: 'pcm_s16le',
    sample_rate: speech.sampleRate,
    channels: 1,
    language: 'en',
    interim_results: true,
  })) as { ok?: boolean; stream_id?: string; error?: { code?: string; message?: string } };
  if (!started.ok || !started.stream_id)
    throw new Error(`stream_start refused: ${started.error?.code ?? ''} ${started.error?.message ?? ''}`);
  const streamId = started.stream_id;
  const finals = new Map<string, FinalPayload>();
  let lastFinalEndMs = 0;
  const ours = (payload: { stream_id?: string }) => payload.stream_id === streamId;
  socket.on('transcript_interim', (payload: FinalPayload & { stable_text: string }) => {
    if (!ours(payload)) return;
    result.shown.push({
      atMs: now(),
      fromMs: payload.start_ms,
      toMs: payload.end_ms,
      words: transcriptWords(payload.text),
      final: false,
    });
  });
  socket.on('transcript_final', (payload: FinalPayload) => {
    if (!ours(payload)) return;
    if (finals.has(payload.utterance_id)) result.repeatedFinals++;
    finals.set(payload.utterance_id, payload);
    lastFinalEndMs = Math.max(lastFinalEndMs, payload.end_ms);
    result.shown.push({
      atMs: now(),
      fromMs: payload.start_ms,
      toMs: payload.end_ms,
      words: transcriptWords(payload.text),
      final: true,
    });
  });
  socket.on('error', (payload: { code?: string; stream_id?: string }) => {
    if (payload.stream_id === undefined || ours(payload)) result.errors.push(payload.code ?? 'error');
  });
  let sentMs = 0;
  return {
    tick(nowMs) {
      while (sentMs < speech.durationMs && nowMs >= Math.min(sentMs + FRAME_MS, speech.durationMs)) {
        const toMs = Math.min(sentMs + FRAME_MS, speech.durationMs);
        const samples = speech.samples.subarray(samplesAt(speech, sentMs), samplesAt(speech, toMs));
        // The contract takes frames of 10 ms and more; a shorter tail is silence anyway.
        if (toMs - sentMs >= 10) {
          result.sendLateness.push(nowMs - toMs);
          socket.emit('stream_audio', {
            stream_id: streamId,
            offset_ms: sentMs,
            audio: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength),
          });
        }
        sentMs = toMs;
      }
      return sentMs >= speech.durationMs;
    },
    async finish() {
      // What a client must hold for a resume: everything after its last final.
      result.retainedMs = Math.max(0, speech.durationMs - lastFinalEndMs);
      const stopped = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          result.errors.push('stream_stopped_timeout');
          resolve();
        }, STOP_TIMEOUT_MS);
        socket.on('stream_stopped', (payload: { stream_id?: string }) => {
          if (!ours(payload)) return;
          clearTimeout(timer);
          resolve();
        });
      });
      socket.emit('stream_stop', { stream_id: streamId });
      await stopped;
      result.finalWords = [...finals.values()]
        .sort((a, b) => a.start_ms - b.start_ms)
        .flatMap((final) => transcriptWords(final.text));
      return result;
    },
  };
}

/**
 * Runs one mode: connects a client per plan, starts them together (each after its own delay), sends every
 * client's speech in real time from one 10 ms ticker, and waits for the last answers. Sockets are closed
 * before it returns, whatever happens.
 */
export async function runToneStreams(
  url: string,
  mode: StreamMode,
  plans: StreamPlan[],
  log: (line: string) => void,
): Promise<StreamOutcome[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < plans.length; i += 20)
      sockets.push(...(await Promise.all(plans.slice(i, i + 20).map(() => connect(url)))));
    // Stream time 0 of each client is when its first sample was captured: the origin plus its delay.
    let origin = Infinity;
    const clients = await Promise.all(
      plans.map((plan, i) => {
        const now = () => performance.now() - origin - plan.startDelayMs;
        return mode === 'live'
          ? liveClient(sockets[i], plan, now)
          : Promise.resolve(chunkedClient(sockets[i], plan, CHUNK_MS[mode], now));
      }),
    );
    origin = performance.now();
    log(`${mode}: ${plans.length} streams started`);
    await new Promise<void>((resolve) => {
      const sending = new Set(clients.keys());
      const ticker = setInterval(() => {
        const elapsed = performance.now() - origin;
        for (const i of sending) if (clients[i].tick(elapsed - plans[i].startDelayMs)) sending.delete(i);
        if (sending.size === 0) {
          clearInterval(ticker);
          resolve();
        }
      }, 10);
    });
    log(
      `${mode}: all audio sent after ${((performance.now() - origin) / 1000).toFixed(1)} s; waiting for the last answers`,
    );
    return await Promise.all(clients.map((client) => client.finish()));
  } finally {
    for (const socket of sockets) socket.close();
  }
}
