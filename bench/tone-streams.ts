import type { Socket } from 'socket.io-client';
import { pcm16Wav } from '../test/support/wav';
import { transcriptWords, type ToneSpeech } from '../test/support/tone-speech';
import { LiveToneClient, connectSocket, type LiveClientOptions } from './live-tone-client';
import { newOutcome, type StreamOutcome, type StreamPlan, type ToneStreamClient } from './tone-stream-client';

/** The chunked path of CONTRACTS §3 at the dashboard's two chunk lengths, and the live path of §3a. */
export const STREAM_MODES = ['chunked-3s', 'chunked-1s', 'live'] as const;
export type StreamMode = (typeof STREAM_MODES)[number];

const CHUNK_MS: Record<Exclude<StreamMode, 'live'>, number> = { 'chunked-3s': 3000, 'chunked-1s': 1000 };
const ACK_TIMEOUT_MS = 120_000;

const samplesAt = (speech: ToneSpeech, ms: number) =>
  Math.min(speech.samples.length, Math.round((ms * speech.sampleRate) / 1000));

/** The dashboard's recorder: a WAV file per chunk as `transcription_stream`, each decoded alone. */
function chunkedClient(
  socket: Socket,
  plan: StreamPlan,
  chunkMs: number,
  now: () => number,
): ToneStreamClient {
  const result = newOutcome(plan);
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
    close: () => socket.close(),
  };
}

/**
 * Runs one mode: connects a client per plan, starts them together (each after its own delay), sends every
 * client's speech in real time from one 10 ms ticker, and waits for the last answers. Sockets are closed
 * before it returns, whatever happens.
 */
export async function runToneStreams(
  urls: string[],
  mode: StreamMode,
  plans: StreamPlan[],
  log: (line: string) => void,
  /** Per client, for live streams: its session, and when it drops and resumes on the next instance. */
  liveOptions: (plan: StreamPlan) => LiveClientOptions = () => ({}),
): Promise<StreamOutcome[]> {
  const clients: ToneStreamClient[] = [];
  try {
    // Stream time 0 of each client is when its first sample was captured: the origin plus its delay.
    let origin = Infinity;
    const open = async (plan: StreamPlan): Promise<ToneStreamClient> => {
      const url = urls[plan.index % urls.length];
      const socket = await connectSocket(url);
      const now = () => performance.now() - origin - plan.startDelayMs;
      if (mode !== 'live') return chunkedClient(socket, plan, CHUNK_MS[mode], now);
      const options = { resumeUrl: urls[(plan.index + 1) % urls.length], ...liveOptions(plan) };
      return LiveToneClient.start(socket, plan, now, newOutcome(plan), options).catch((error: Error) => {
        socket.close();
        throw error;
      });
    };
    for (let i = 0; i < plans.length; i += 20)
      clients.push(...(await Promise.all(plans.slice(i, i + 20).map(open))));
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
    for (const client of clients) client.close();
  }
}
