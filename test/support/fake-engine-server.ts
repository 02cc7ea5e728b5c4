import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake engine saw it, with multipart and form bodies already parsed. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** Multipart or urlencoded fields; files as { name, type, size, bytes }. */
  fields: Map<string, string | { name: string; type: string; size: number; bytes: Buffer }>;
  json?: unknown;
}

export interface FakeReply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
}

export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeEngineServer {
  url: string;
  requests: RecordedRequest[];
  /** Replaces the handler, e.g. to start failing. */
  handle(handler: FakeHandler): void;
  close(): Promise<void>;
}

/** Parses a multipart or urlencoded body exactly as a real server framework would (the WHATWG Request). */
export function readForm(contentType: string, body: Buffer): Promise<FormData> {
  return new Request('http://fake/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(body),
  }).formData();
}

async function parseFields(request: RecordedRequest): Promise<void> {
  const type = String(request.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    request.json = JSON.parse(request.body.toString('utf8'));
    return;
  }
  if (!type.startsWith('multipart/form-data') && !type.startsWith('application/x-www-form-urlencoded'))
    return;
  const form = await readForm(type, request.body);
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') request.fields.set(name, value);
    else {
      const bytes = Buffer.from(await value.arrayBuffer());
      request.fields.set(name, { name: value.name, type: value.type, size: bytes.length, bytes });
    }
  }
}

export interface FakeEngineOptions {
  /**
   * Idle keep-alive of client connections. The 1 s default is announced as `Keep-Alive: timeout=1`, which
   * undici treats as too short to reuse, so every call opens a new connection; a benchmark wants a server
   * that keeps its connections, as real engine servers do (uvicorn: 5 s).
   */
  keepAliveMs?: number;
  /** Keep every request in `requests` (default); a benchmark sending thousands of chunks turns it off. */
  record?: boolean;
}

/** A loopback HTTP server standing in for an engine, recording every request it gets. */
export async function startFakeEngine(
  handler: FakeHandler,
  options: FakeEngineOptions = {},
): Promise<FakeEngineServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  // Delayed answers still pending at close are dropped, so a closed fake keeps no timer alive.
  const delays = new Set<NodeJS.Timeout>();
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://fake');
      const recorded: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body: Buffer.concat(chunks),
        fields: new Map(),
      };
      if (options.record ?? true) requests.push(recorded);
      void (async () => {
        let reply: FakeReply;
        try {
          await parseFields(recorded);
          reply = await current(recorded);
        } catch (error) {
          reply = { status: 500, json: { error: (error as Error).message } };
        }
        if (reply.delayMs) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              delays.delete(timer);
              resolve();
            }, reply.delayMs);
            delays.add(timer);
          });
        }
        const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
        response.writeHead(reply.status ?? 200, {
          'content-type': reply.json !== undefined ? 'application/json' : 'text/plain',
          ...reply.headers,
        });
        response.end(body);
      })();
    });
  });
  server.keepAliveTimeout = options.keepAliveMs ?? 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      current = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const timer of delays) clearTimeout(timer);
        delays.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
