import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { BackendInstance } from './backend-instance';
import { HELD_BODY_BYTES, UpstreamTransport, type UpstreamRequest } from './upstream-transport';

type Route = (request: IncomingMessage, response: ServerResponse) => void;

const SETTINGS = {
  timeoutMs: 5000,
  failureThreshold: 5,
  halfOpenAfterMs: 1000,
  maxConcurrent: 10,
  maxQueue: 10,
};

describe('UpstreamTransport', () => {
  let server: Server;
  let route: Route;
  let instance: BackendInstance;
  let transport: UpstreamTransport;
  /** Resolves when the backend sees its current request's connection closed before the answer ended. */
  let backendSawAbort: Promise<void>;

  const request = (signal = new AbortController().signal): UpstreamRequest => ({
    method: 'GET',
    target: '/answer',
    headers: {},
    signal,
    idleTimeoutMs: 5000,
  });

  beforeAll(async () => {
    server = createServer((incoming, response) => {
      backendSawAbort = new Promise((resolve) =>
        response.once('close', () => {
          if (!response.writableFinished) resolve();
        }),
      );
      route(incoming, response);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    instance = new BackendInstance(
      'whisper',
      0,
      { url: `http://127.0.0.1:${port}`, weight: 1, kind: 'openai', priority: 0 },
      SETTINGS,
      () => undefined,
    );
  });

  beforeEach(() => {
    transport = new UpstreamTransport();
  });

  afterEach(async () => {
    await transport.onApplicationShutdown();
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  it('hands over a small sized answer whole, with its status and headers', async () => {
    route = (_incoming, response) => {
      response.writeHead(201, { 'content-type': 'application/json', 'content-length': 11 });
      response.end('{"ok":true}');
    };
    const answer = await transport.send(instance, request());
    expect(answer.status).toBe(201);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body).toEqual(Buffer.from('{"ok":true}'));
  });

  it('streams an answer larger than the held size, and one without a declared size', async () => {
    const large = Buffer.alloc(HELD_BODY_BYTES + 1, 7);
    route = (_incoming, response) => {
      response.writeHead(200, { 'content-length': large.length });
      response.end(large);
    };
    const sized = await transport.send(instance, request());
    expect(sized.body).toBeInstanceOf(Readable);
    expect(Buffer.concat(await (sized.body as Readable).toArray()).equals(large)).toBe(true);

    route = (_incoming, response) => {
      response.write('chunked ');
      response.end('answer');
    };
    const unsized = await transport.send(instance, request());
    expect(unsized.body).toBeInstanceOf(Readable);
    expect(Buffer.concat(await (unsized.body as Readable).toArray()).toString()).toBe('chunked answer');
  });

  it('reads an unsized answer whole when asked to', async () => {
    route = (_incoming, response) => {
      response.write('part one, ');
      response.end('part two');
    };
    const answer = await transport.read(instance, request());
    expect(answer.body.toString()).toBe('part one, part two');
  });

  it('rejects a held answer whose body breaks off, instead of handing over part of it', async () => {
    route = (_incoming, response) => {
      response.writeHead(200, { 'content-length': 100 });
      response.write('only half');
      setTimeout(() => response.destroy(), 20);
    };
    await expect(transport.send(instance, request())).rejects.toThrow();
  });

  it('aborts a call that is still waiting for its answer when the signal fires', async () => {
    route = () => undefined;
    const caller = new AbortController();
    const pending = transport.send(instance, request(caller.signal));
    await new Promise((resolve) => setTimeout(resolve, 50));
    caller.abort();
    await expect(pending).rejects.toThrow();
    await backendSawAbort;
  });

  it('aborts the backend call when the signal fires while a streamed body is being read', async () => {
    route = (_incoming, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(1024));
    };
    const caller = new AbortController();
    const answer = await transport.send(instance, request(caller.signal));
    const body = answer.body as Readable;
    const failed = once(body, 'error');
    caller.abort();
    await failed;
    await backendSawAbort;
  });

  it('aborts the backend call when the consumer destroys a streamed body', async () => {
    route = (_incoming, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(Buffer.alloc(1024));
    };
    const answer = await transport.send(instance, request());
    (answer.body as Readable).destroy();
    await backendSawAbort;
  });

  it('does not start a call whose signal has already fired', async () => {
    let called = false;
    route = (_incoming, response) => {
      called = true;
      response.end();
    };
    const caller = new AbortController();
    caller.abort();
    await expect(transport.send(instance, request(caller.signal))).rejects.toThrow();
    expect(called).toBe(false);
  });
});
