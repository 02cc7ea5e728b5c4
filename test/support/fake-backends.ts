import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { engineKindFacts, engineKindsOf, SERVICE_NAMES } from '@app/config';

/** How `/work` answers: the switch the resilience tests flip. */
export type FakeBehaviour = 'ok' | 'fail' | 'stall' | 'reset';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * A plain Node HTTP server on loopback that plays a backend instance, for tests of anything that calls one.
 * Routes:
 * - `GET /health` → 200 `{status:'healthy'}`, or 503 when `healthy` is false (so a health monitor agrees
 *   with a test that marks the instance down);
 * - the capability discovery paths of every engine kind (`/models`, `/v1/models`, `/languages`, `/listPairs`)
 *   → 200 `{ instance, method, url }`, neither counted nor recorded: like `/health`, the monitor's question;
 * - `/work` (any method) → by `behaviour`: 200 `{instance}`, 500, never answering, or a reset connection;
 * - `/echo` (any method) → `{ method, url, headers, bytes, sha256 }` of what arrived, body hashed as it streams;
 * - `GET /download?bytes=N[&hold=1]` → N bytes of a fixed pattern (with hold=1 the first 64 KiB, then the
 *   rest once `release()` is called);
 * - `/status/<code>` → that status with a small JSON body; anything else → 200 `{ instance, method, url }`.
 */
export interface FakeBackend {
  name: string;
  url: string;
  /**
   * Requests other than the health monitor's questions (`/health` and capability discovery such as `/models`,
   * which the gateway does not count as traffic either), counted when they arrive.
   */
  hits: number;
  seen: SeenRequest[];
  /** Body bytes received so far by the request being read (watch it to prove streaming). */
  bytesReceived: number;
  behaviour: FakeBehaviour;
  healthy: boolean;
  /** Lets held downloads finish and stalled requests answer 200. */
  release(): void;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

/** Paths the health monitor's capability discovery asks for, of any engine kind. */
const DISCOVERY_PATHS = new Set(
  SERVICE_NAMES.flatMap((service) =>
    engineKindsOf(service).flatMap((kind) => Object.values(engineKindFacts(service, kind).discovery)),
  ),
);

/** The byte at `offset` of every download: cheap to produce, and a reordering or loss changes the hash. */
export function patternChunk(offset: number, length: number): Buffer {
  const chunk = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) chunk[i] = (offset + i) % 251;
  return chunk;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startFakeBackend(name = 'backend'): Promise<FakeBackend> {
  const sockets = new Set<Socket>();
  let waiting: (() => void)[] = [];
  const backend: FakeBackend = {
    name,
    url: '',
    hits: 0,
    seen: [],
    bytesReceived: 0,
    behaviour: 'ok',
    healthy: true,
    release() {
      const woken = waiting;
      waiting = [];
      woken.forEach((wake) => wake());
    },
    close: () =>
      new Promise<void>((resolve) => {
        backend.release();
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
  const held = () => new Promise<void>((resolve) => waiting.push(resolve));

  const download = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    const total = Number(query.get('bytes') ?? 0);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    for (let offset = 0; offset < total; offset += CHUNK) {
      const chunk = patternChunk(offset, Math.min(CHUNK, total - offset));
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      if (offset === 0 && query.get('hold') === '1') await held();
      if (req.destroyed) return;
    }
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://backend');
    if (url.pathname === '/health') {
      json(res, backend.healthy ? 200 : 503, { status: backend.healthy ? 'healthy' : 'error' });
      return;
    }
    if (DISCOVERY_PATHS.has(url.pathname))
      return json(res, 200, { instance: name, method: req.method, url: req.url });
    backend.hits++;
    backend.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (url.pathname === '/echo') {
      const hash = createHash('sha256');
      backend.bytesReceived = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        hash.update(chunk);
        backend.bytesReceived += chunk.length;
      }
      json(res, 200, {
        method: req.method,
        url: req.url,
        headers: req.headers,
        bytes: backend.bytesReceived,
        sha256: hash.digest('hex'),
      });
      return;
    }
    if (url.pathname === '/download') return download(req, res, url.searchParams);
    const status = /^\/status\/(\d{3})$/.exec(url.pathname);
    if (status) return json(res, Number(status[1]), { instance: name, status: Number(status[1]) });
    if (url.pathname === '/work') {
      switch (backend.behaviour) {
        case 'fail':
          return json(res, 500, { error: 'failing on purpose' });
        case 'reset':
          req.socket.destroy();
          return;
        case 'stall':
          await held();
          break;
        case 'ok':
          break;
      }
    }
    json(res, 200, { instance: name, method: req.method, url: req.url });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  backend.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return backend;
}

/** Starts `count` fake backends named `<prefix>-<i>`. */
export function startFakeBackends(count: number, prefix = 'backend'): Promise<FakeBackend[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startFakeBackend(`${prefix}-${i}`)));
}
