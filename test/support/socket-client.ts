import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket;

export interface ConnectOptions {
  headers?: Record<string, string>;
  /** Socket.IO `auth` payload, e.g. `{ token }`. */
  auth?: Record<string, unknown>;
  /** Resolve on connect_error instead of failing (for refused handshakes). */
  expectRefusal?: boolean;
  localAddress?: string;
}

/**
 * A socket.io-client over WebSocket only (as the load tool and real bots use it), resolved once the server's
 * `connected` event arrived; the event's payload is returned with it.
 */
export async function connectClient(
  url: string,
  options: ConnectOptions = {},
): Promise<{ socket: ClientSocket; connected: Record<string, unknown> }> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: options.headers,
    auth: options.auth,
    timeout: 5000,
  });
  const connected = await new Promise<Record<string, unknown>>((resolve, reject) => {
    socket.once('connected', resolve);
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return { socket, connected };
}

/**
 * connectClient for one describe block, whose sockets are all closed after each test, so that no test
 * leaks a connection (or its room memberships) into the next. Call it at describe level.
 */
export function connectClosedAfterEach(): typeof connectClient {
  const open: ClientSocket[] = [];
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  return async (url, options) => {
    const opened = await connectClient(url, options);
    open.push(opened.socket);
    return opened;
  };
}

/** The next `event` on the socket, or a rejection after `timeoutMs`. */
export function nextEvent<T = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  timeoutMs = 5000,
): Promise<T> {
  const arrival = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T): void => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, listener);
  });
  // A test that fails before awaiting this must not also crash the run with an unhandled rejection.
  arrival.catch(() => undefined);
  return arrival;
}

/** Emits with an acknowledgement callback and resolves with what the server acknowledged. */
export function emitWithAck<T = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  ...args: unknown[]
): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, ...args) as Promise<T>;
}

/** Collects every `event` until stopped, for asserting that something did not arrive. */
export function collect<T = Record<string, unknown>>(socket: ClientSocket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}
