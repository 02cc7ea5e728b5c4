import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
// By path: the middleware alone, without the Nest modules of the library's index.
import { handshakeApiKeyMiddleware } from '../../libs/security/src/socket-handshake';

type Outcome = { connected: true } | { connected: false; message: string; data?: { code?: string } };

function handshake(url: string, auth: Record<string, unknown>): Promise<Outcome> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth,
    timeout: 5000,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve({ connected: true });
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      socket.close();
      resolve({ connected: false, message: error.message, data: error.data });
    });
  });
}

/** The middleware as the realtime adapter installs it (`io.use(...)`), on a real Socket.IO server. */
describe('handshakeApiKeyMiddleware on a real Socket.IO server', () => {
  let keys: string[] = ['ws-key-1', 'ws-key-2'];
  const http = createServer();
  const server = new Server(http);
  server.use(handshakeApiKeyMiddleware(() => keys));
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses without a key and with a wrong key, telling the two apart in connect_error', async () => {
    expect(await handshake(url, {})).toMatchObject({
      connected: false,
      message: 'UNAUTHORIZED',
      data: { code: 'UNAUTHORIZED' },
    });
    expect(await handshake(url, { token: 'nope' })).toMatchObject({
      connected: false,
      message: 'FORBIDDEN',
      data: { code: 'FORBIDDEN' },
    });
  });

  it('accepts auth.token with any configured key, and reads the keys per handshake', async () => {
    expect(await handshake(url, { token: 'ws-key-2' })).toEqual({ connected: true });
    keys = [];
    expect(await handshake(url, {})).toEqual({ connected: true });
  });
});
