import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readForm } from '../fake-engine-server';
import { decodeToneSpeech } from './decode';
import { DecoderSlots } from './decoder-slots';
import { readPcm16Wav } from './wav-reader';
import { openAiAnswer, whisperCppAnswer, type ToneEngineKind } from './engine-answers';

export interface ToneEngineOptions {
  kind: ToneEngineKind;
  /** Decoder slots: calls beyond this many wait in arrival order. */
  slots?: number;
  baseMs?: number;
  /** Decode time per second of audio. */
  rtf?: number;
  /** A fixed port (default: any free one). */
  port?: number;
}

export interface ToneSpeechEngine {
  url: string;
  kind: ToneEngineKind;
  /** Transcription requests received (answered or not). */
  readonly calls: number;
  /** Slot-milliseconds spent decoding: over a stretch of time, how many decoder slots the load kept busy. */
  readonly busyMs: number;
  stop(): Promise<void>;
  /** Drops the server and every open connection at once, like a crash. */
  kill(): void;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  setLatency(latency: { baseMs?: number; rtf?: number }): void;
}

interface Reply {
  status: number;
  body: unknown;
}

/** The upload as 16-bit samples, or why it cannot be read. */
async function readUpload(form: FormData): Promise<{ samples: Int16Array; sampleRate: number } | string> {
  const file = form.get('file');
  if (!file || typeof file === 'string') return "no 'file' field in the request";
  return readPcm16Wav(Buffer.from(await file.arrayBuffer()));
}

/** Each kind's routes and error bodies, as its real server spells them. */
const ROUTES: Record<
  ToneEngineKind,
  { transcribe: string; badRequest: (message: string, param?: string) => unknown }
> = {
  openai: {
    transcribe: '/v1/audio/transcriptions',
    badRequest: (message, param) => ({
      error: { message, type: 'invalid_request_error', param: param ?? null, code: null },
    }),
  },
  'whisper-cpp': { transcribe: '/inference', badRequest: (message) => ({ error: message }) },
};

/**
 * A speech-to-text engine that really decodes tone speech (CONTRACTS §6), on 127.0.0.1, answering as an
 * OpenAI-compatible server or whisper.cpp's server does (CONTRACTS §4).
 */
export async function startToneSpeechEngine(options: ToneEngineOptions): Promise<ToneSpeechEngine> {
  const { kind, slots = 2, baseMs = 30, rtf = 0.05 } = options;
  const routes = ROUTES[kind];
  const decoder = new DecoderSlots(slots, { baseMs, rtf });
  let calls = 0;

  async function transcribe(request: IncomingMessage, body: Buffer): Promise<Reply> {
    calls++;
    const type = String(request.headers['content-type'] ?? '');
    if (!type.startsWith('multipart/form-data'))
      return { status: 400, body: routes.badRequest('the body must be multipart/form-data') };
    const form = await readForm(type, body);
    if (kind === 'openai' && !form.get('model'))
      return { status: 400, body: routes.badRequest('you must provide a model parameter', 'model') };
    const upload = await readUpload(form);
    if (typeof upload === 'string') return { status: 400, body: routes.badRequest(upload, 'file') };
    const durationS = upload.samples.length / upload.sampleRate;
    if (!(await decoder.decode(durationS * 1000))) return { status: 0, body: undefined };
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : undefined;
    };
    const answer = kind === 'openai' ? openAiAnswer : whisperCppAnswer;
    return {
      status: 200,
      body: answer(decodeToneSpeech(upload.samples, upload.sampleRate), Math.round(durationS * 1000) / 1000, {
        responseFormat: text('response_format') ?? 'json',
        language: text('language'),
        wordTimestamps: form.getAll('timestamp_granularities[]').includes('word'),
      }),
    };
  }

  async function route(request: IncomingMessage, body: Buffer): Promise<Reply> {
    const path = new URL(request.url ?? '/', 'http://tone').pathname;
    if (request.method === 'GET' && path === '/health') return { status: 200, body: { status: 'ok' } };
    if (request.method === 'GET' && path === '/v1/models' && kind === 'openai')
      return {
        status: 200,
        body: {
          object: 'list',
          data: [{ id: 'tone-speech-1', object: 'model', created: 0, owned_by: 'tone-speech' }],
        },
      };
    if (request.method === 'POST' && path === routes.transcribe) return transcribe(request, body);
    return { status: 404, body: routes.badRequest(`no route ${request.method} ${path}`) };
  }

  function send(response: ServerResponse, reply: Reply): void {
    // status 0: the engine crashed while this call waited; its connection is already gone.
    if (reply.status === 0 || response.destroyed) return;
    const text = typeof reply.body === 'string';
    response.writeHead(reply.status, { 'content-type': text ? 'text/plain' : 'application/json' });
    response.end(text ? reply.body : JSON.stringify(reply.body));
  }

  let server: Server;
  const listen = async (port: number): Promise<number> => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        route(request, Buffer.concat(chunks)).then(
          (reply) => send(response, reply),
          (error: Error) => send(response, { status: 500, body: routes.badRequest(error.message) }),
        );
      });
    });
    // Keep connections as real engine servers do (uvicorn: 5 s), so clients reuse them.
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const port = await listen(options.port ?? 0);
  let closed: Promise<void> | undefined;

  const kill = () => {
    decoder.reset();
    const dying = server;
    closed = new Promise((resolve) => dying.close(() => resolve()));
    dying.closeAllConnections();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    kind,
    get calls() {
      return calls;
    },
    get busyMs() {
      return decoder.busyMs;
    },
    kill,
    stop: async () => {
      if (server.listening) kill();
      await closed;
    },
    restart: async () => {
      if (server.listening) kill();
      await closed;
      await listen(port);
    },
    setLatency: (latency) => {
      decoder.latency = { ...decoder.latency, ...latency };
    },
  };
}
