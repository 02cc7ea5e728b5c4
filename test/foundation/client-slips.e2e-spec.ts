import { request as httpRequest } from 'node:http';
import { startApp, type RunningApp } from '../support/app-harness';
import { connectClient, emitWithAck } from '../support/socket-client';

/** A plain WebSocket upgrade (what a browser's `new WebSocket(url)` sends), answered or not. */
function plainUpgrade(
  baseUrl: string,
  path: string,
): Promise<{ status: number; body: string } | 'upgraded' | 'dropped'> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = httpRequest({
      host: hostname,
      port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve('upgraded');
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve('dropped'));
    req.end();
  });
}

describe('what clients of the original service ran into', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp({ HEALTH_CHECK_INTERVAL: '3600' });
  });
  afterAll(async () => {
    await running?.close();
  });

  it('answers 404, not 400, to a POST with a JSON content type and an empty or broken body on an unknown route', async () => {
    for (const [path, body] of [
      ['/api/no-such-route', undefined],
      ['/no-such-page', '{broken'],
    ] as const) {
      const response = await fetch(`${running.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(404);
      const answer = (await response.json()) as { error: { code: string; message: string } };
      expect(answer.error.code).toBe('NOT_FOUND');
      expect(answer.error.message).toContain(path);
    }
    // A real route still parses its body: an empty JSON body there is a client error.
    const real = await fetch(`${running.url}/api/pipeline/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(real.status).toBe(400);
  });

  it('answers a plain WebSocket upgrade on a path that is not Socket.IO with a 404 naming /socket.io/', async () => {
    const answer = await plainUpgrade(running.url, '/ws');
    expect(answer).toMatchObject({ status: 404 });
    const { error } = JSON.parse((answer as { body: string }).body) as {
      error: { code: string; message: string };
    };
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('/socket.io/');
    expect(error.message).toContain('/ws');
    // Socket.IO itself still connects.
    const { socket } = await connectClient(running.url);
    socket.close();
  });

  it('says "text is required" for a translation_stream without text, and nothing about lengths', async () => {
    const { socket } = await connectClient(running.url);
    try {
      const missing = await emitWithAck<{ ok: boolean; error: { message: string; fields: unknown[] } }>(
        socket,
        'translation_stream',
        { target_lang: 'es' },
      );
      expect(missing.ok).toBe(false);
      expect(missing.error.message).toBe('Invalid payload: text is required');
      expect(missing.error.fields).toEqual([{ field: 'text', message: 'text is required' }]);
      const wrongType = await emitWithAck<{ error: { message: string } }>(socket, 'translation_stream', {
        text: 42,
        target_lang: 'es',
      });
      expect(wrongType.error.message).toBe('Invalid payload: text must be a string');
    } finally {
      socket.close();
    }
  });
});
