import type { ClientSocket } from './socket-client';
import { emitWithAck } from './socket-client';
import { makeToneScript, synthesizeToneSpeech, transcriptWords, type ToneSpeech } from './tone-speech';

export interface LiveEvents {
  interims: Record<string, unknown>[];
  finals: Record<string, unknown>[];
  translations: Record<string, unknown>[];
  statuses: Record<string, unknown>[];
  errors: Record<string, unknown>[];
  /** Every event name in arrival order, with the utterance it names. */
  order: { event: string; utterance?: string }[];
}

/** Records a socket's live-stream events (CONTRACTS §3a) of one stream, in arrival order. */
export function recordLiveEvents(socket: ClientSocket, streamId?: string): LiveEvents {
  const events: LiveEvents = {
    interims: [],
    finals: [],
    translations: [],
    statuses: [],
    errors: [],
    order: [],
  };
  const lists = {
    transcript_interim: events.interims,
    transcript_final: events.finals,
    translation_final: events.translations,
    stream_status: events.statuses,
    error: events.errors,
  };
  for (const [event, list] of Object.entries(lists)) {
    socket.on(event, (payload: Record<string, unknown>) => {
      if (streamId && payload.stream_id !== undefined && payload.stream_id !== streamId) return;
      list.push(payload);
      events.order.push({ event, utterance: payload.utterance_id as string | undefined });
    });
  }
  return events;
}

export interface SendOptions {
  /** Frame length in ms (10–1000). */
  frameMs?: number;
  /** How many times faster than real time the frames are sent. */
  speed?: number;
  /** Offsets are ms from this point of the stream (a resumed client starts from resume_from_ms). */
  fromMs?: number;
  /** Sending stops (the rest of the audio is not sent) once this is aborted. */
  signal?: AbortSignal;
  /** Called per frame: may drop it (return undefined) or change the offset and samples. */
  alter?: (frame: {
    offsetMs: number;
    samples: Int16Array;
  }) => { offsetMs: number; samples: Int16Array } | undefined;
}

/**
 * Sends samples as stream_audio frames with their offsets, paced at `speed` × real time (the socket's
 * message rate limit allows 50 frames a second). Resolves when the last frame is acknowledged; rejects with
 * the first frame whose acknowledgement failed, and sends nothing more after it or once the socket is gone.
 * Every frame's acknowledgement is handled here: one that times out after its test has ended (a socket
 * closed under the loop) must not surface as an unhandled rejection in whatever test file runs next.
 */
export async function sendLiveAudio(
  socket: ClientSocket,
  streamId: string,
  audio: { samples: Int16Array; sampleRate: number },
  { frameMs = 500, speed = 10, fromMs = 0, signal, alter }: SendOptions = {},
): Promise<void> {
  const frameSamples = Math.round((frameMs * audio.sampleRate) / 1000);
  const first = Math.round((fromMs * audio.sampleRate) / 1000);
  const started = performance.now();
  let failed: Error | undefined;
  let last: Promise<unknown> = Promise.resolve();
  for (let at = first; at < audio.samples.length && !signal?.aborted; at += frameSamples) {
    if (failed) throw failed;
    if (socket.disconnected) throw new Error(`stream ${streamId}: socket disconnected while sending audio`);
    const samples = audio.samples.slice(at, Math.min(at + frameSamples, audio.samples.length));
    if ((samples.length * 1000) / audio.sampleRate < 10) break;
    const frame = alter
      ? alter({ offsetMs: (at * 1000) / audio.sampleRate, samples })
      : { offsetMs: (at * 1000) / audio.sampleRate, samples };
    if (frame) {
      last = emitWithAck(socket, 'stream_audio', {
        stream_id: streamId,
        offset_ms: frame.offsetMs,
        audio: Buffer.from(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength),
      }).catch((error: Error) => {
        failed ??= error;
      });
    }
    const due = started + ((at - first + frameSamples) * 1000) / audio.sampleRate / speed;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await last;
  if (failed) throw failed;
}

/**
 * stream_stop, acknowledged once every final and translation of the stream is out: on a busy machine that
 * can take longer than the usual 5 s acknowledgement timeout.
 */
export function stopLiveStream(
  socket: ClientSocket,
  streamId: string,
  timeoutMs = 30000,
): Promise<Record<string, unknown>> {
  return socket.timeout(timeoutMs).emitWithAck('stream_stop', { stream_id: streamId }) as Promise<
    Record<string, unknown>
  >;
}

/** One stream of tone speech opened by `openToneStreams`, with its events as they arrive. */
export interface ToneStreamRun {
  speech: ToneSpeech;
  socket: ClientSocket;
  streamId: string;
  events: LiveEvents;
}

/**
 * Opens `count` live streams at once, each on a connection of its own (`connect`), each with its own tone
 * speech (`sentences` of seed `firstSeed + i`), English, no translation; `start` adds to stream_start.
 * Fails the test unless every stream is admitted.
 */
export function openToneStreams(
  connect: () => Promise<ClientSocket>,
  {
    count,
    firstSeed,
    sentences,
    start = {},
  }: { count: number; firstSeed: number; sentences: number; start?: Record<string, unknown> },
): Promise<ToneStreamRun[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const seed = firstSeed + i;
      const speech = synthesizeToneSpeech(makeToneScript({ seed, sentences }), { seed });
      const socket = await connect();
      const ack = await emitWithAck(socket, 'stream_start', {
        encoding: 'pcm_s16le',
        sample_rate: 16000,
        language: 'en',
        target_languages: [],
        ...start,
      });
      expect(ack).toMatchObject({ ok: true });
      const streamId = ack.stream_id as string;
      return { speech, socket, streamId, events: recordLiveEvents(socket, streamId) };
    }),
  );
}

/**
 * The translations a client holds across a resume: one per utterance and language, as a client replacing by
 * that key does. A resume naming its last final gets that final's translations again (they may have been
 * lost in flight); a repeat of any other, or one with another text, throws.
 */
export function translationsHeld(
  translations: Record<string, unknown>[],
  lastNamedUtteranceId: unknown,
): Record<string, unknown>[] {
  const held = new Map<string, Record<string, unknown>>();
  for (const translation of translations) {
    const key = `${String(translation.utterance_id)} ${String(translation.target_lang)}`;
    const had = held.get(key);
    if (!had) held.set(key, translation);
    else if (
      translation.utterance_id !== lastNamedUtteranceId ||
      translation.translated_text !== had.translated_text
    )
      throw new Error(`translation ${key} repeated: ${JSON.stringify([had, translation])}`);
  }
  return [...held.values()];
}

/** Finals whose spans overlap by more than half of the shorter: the same speech under two utterance ids. */
export function repeatedSpeech(finals: Record<string, unknown>[]): string[] {
  const found: string[] = [];
  finals.forEach((a, i) =>
    finals.slice(i + 1).forEach((b) => {
      const [as, ae, bs, be] = [a.start_ms, a.end_ms, b.start_ms, b.end_ms] as number[];
      const overlap = Math.min(ae, be) - Math.max(as, bs);
      if (overlap > 0.5 * Math.min(ae - as, be - bs))
        found.push(`${String(a.utterance_id)} ~ ${String(b.utterance_id)}`);
    }),
  );
  return found;
}

/** The first `toMs` of some audio, as sendLiveAudio takes it. */
export function audioUntil(
  audio: { samples: Int16Array; sampleRate: number },
  toMs: number,
): { samples: Int16Array; sampleRate: number } {
  return {
    samples: audio.samples.subarray(0, Math.round((toMs * audio.sampleRate) / 1000)),
    sampleRate: audio.sampleRate,
  };
}

/** Captions as [utterance_id, text, translated_text | null], sorted: what a client got, or a history holds. */
export type CaptionRows = [string, string, string | null][];

function sortedRows(rows: CaptionRows): CaptionRows {
  return rows.sort((a, b) => `${a[0]} ${a[2]}`.localeCompare(`${b[0]} ${b[2]}`));
}

/** The finals and translations a client received, as rows to compare with a session's history. */
export function receivedCaptions(
  finals: Record<string, unknown>[],
  translations: Record<string, unknown>[],
): { finals: CaptionRows; translations: CaptionRows } {
  const row = (e: Record<string, unknown>, translated: unknown): CaptionRows[number] => [
    String(e.utterance_id),
    String(e.text),
    translated === undefined ? null : (translated as string),
  ];
  return {
    finals: sortedRows(finals.map((f) => row(f, undefined))),
    translations: sortedRows(translations.map((t) => row(t, t.translated_text))),
  };
}

/** The live-stream entries of a session's history (what join_session and the export read), as rows. */
export async function sessionCaptions(
  appUrl: string,
  sessionId: string,
): Promise<{ finals: CaptionRows; translations: CaptionRows }> {
  const answer = await fetch(`${appUrl}/api/sessions/${encodeURIComponent(sessionId)}`);
  const { history } = (await answer.json()) as { history: Record<string, unknown>[] };
  const rows = (kind: string): CaptionRows =>
    sortedRows(
      history
        .filter((e) => e.kind === kind)
        .map((e) => [
          String(e.chunk_id),
          String(e.text),
          e.translated_text === undefined ? null : (e.translated_text as string),
        ]),
    );
  return { finals: rows('transcript'), translations: rows('translation') };
}

/** The words of some finals in audio order (a resumed stream's arrive out of it: replays, re-decodes). */
export function wordsInAudioOrder(finals: Record<string, unknown>[]): string[] {
  return [...finals]
    .sort((a, b) => (a.start_ms as number) - (b.start_ms as number))
    .flatMap((f) => transcriptWords(f.text as string));
}
