import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { CONNECTION_HIGH_WATER_MARK, turnCoalescingConnector } from './turn-coalescing-connector';

/** What the socket hands its handle: one entry per `_write` / `_writev` call, with its chunk count. */
function watchWrites(socket: Socket): number[] {
  const calls: number[] = [];
  const internals = socket as unknown as {
    _write: (...args: unknown[]) => void;
    _writev: (chunks: unknown[], ...rest: unknown[]) => void;
  };
  const write = internals._write.bind(socket);
  const writev = internals._writev.bind(socket);
  internals._write = (...args) => {
    calls.push(1);
    write(...args);
  };
  internals._writev = (chunks, ...rest) => {
    calls.push(chunks.length);
    writev(chunks, ...rest);
  };
  return calls;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('turnCoalescingConnector', () => {
  let server: Server;
  /** What the server received, per connection (the client's local port). */
  const received = new Map<number, Buffer[]>();
  let port: number;
  const open: Socket[] = [];

  beforeAll(async () => {
    server = createServer((connection) => {
      const chunks: Buffer[] = [];
      received.set(connection.remotePort!, chunks);
      connection.on('data', (chunk: Buffer) => chunks.push(chunk));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.destroy();
  });
  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  const connect = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      turnCoalescingConnector({ timeout: 5000 })(
        { hostname: '127.0.0.1', protocol: 'http:', port: String(port) },
        (error, socket) => {
          if (error) return reject(error);
          open.push(socket);
          resolve(socket);
        },
      );
    });

  const arrived = async (socket: Socket, bytes: number): Promise<Buffer> => {
    const all = (): Buffer => Buffer.concat(received.get(socket.localPort!) ?? []);
    const deadline = Date.now() + 5000;
    while (all().length < bytes && Date.now() < deadline) await turn();
    return all();
  };

  it('sends everything written in one turn as one write, whole and in order', async () => {
    const socket = await connect();
    const writes = watchWrites(socket);
    const chunks = Array.from({ length: 17 }, (_, i) => Buffer.alloc(64 * 1024, i));
    // Below the high-water mark, so a writer such as undici does not stop to wait for 'drain'.
    for (const chunk of chunks) expect(socket.write(chunk)).toBe(true);
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual([17]);
    expect((await arrived(socket, 17 * 64 * 1024)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('sends what is written in different turns in those turns', async () => {
    const socket = await connect();
    const writes = watchWrites(socket);
    socket.write('first ');
    await turn();
    expect(writes).toEqual([1]);
    socket.write('second');
    await turn();
    expect(writes).toEqual([1, 1]);
    expect((await arrived(socket, 12)).toString()).toBe('first second');
  });

  it('takes a whole buffered upload before asking the writer to wait', async () => {
    const socket = await connect();
    expect(socket.writableHighWaterMark).toBe(CONNECTION_HIGH_WATER_MARK);
  });
});
