import { createServer, type Server, type ServerResponse } from 'node:http';
import { freePort } from './free-port';

/** How the backend answers one path: a status and JSON body, or `hang` (never answers). */
export type BackendAnswer = { status: number; json?: unknown } | 'hang';
export type BackendBehaviour = (path: string) => BackendAnswer;

/**
 * A loopback HTTP backend that can be taken down (connection refused) and brought back on the same port,
 * as a real engine restarts, and whose answers can be switched, including to hang forever. Hanging
 * requests hold no timer: closing the server destroys them, so nothing outlives the test.
 */
export interface SwitchableBackend {
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  behave(behaviour: BackendBehaviour): void;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export const healthyBackend: BackendBehaviour = () => ({ status: 200, json: { status: 'healthy' } });

export async function startSwitchableBackend(
  behaviour: BackendBehaviour = healthyBackend,
): Promise<SwitchableBackend> {
  const port = await freePort();
  let current = behaviour;
  let server: Server | undefined;
  const requests: string[] = [];
  const reply = (path: string, response: ServerResponse): void => {
    const answer = current(path);
    if (answer === 'hang') return;
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.json ?? {}));
  };
  const backend: SwitchableBackend = {
    url: `http://127.0.0.1:${port}`,
    requests,
    behave: (next) => {
      current = next;
    },
    start: () =>
      new Promise((resolve, reject) => {
        const next = createServer((request, response) => {
          const path = new URL(request.url ?? '/', 'http://backend').pathname;
          requests.push(path);
          request.resume();
          request.on('end', () => reply(path, response));
        });
        next.keepAliveTimeout = 500;
        next.once('error', reject);
        next.listen(port, '127.0.0.1', () => {
          server = next;
          resolve();
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        const running = server;
        server = undefined;
        if (!running) return resolve();
        running.closeAllConnections();
        running.close(() => resolve());
      }),
  };
  await backend.start();
  return backend;
}
