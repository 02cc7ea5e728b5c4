import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/**
 * How much a backend connection takes before `write` says to wait: enough for a whole buffered upload
 * (the front doors' audio) in one turn. Its bytes are already held in memory by then (StreamedUpload).
 */
export const CONNECTION_HIGH_WATER_MARK = 4 * 1024 * 1024;

/**
 * undici's connector, with connections that send everything written to them in one turn of the event loop
 * as one write: the socket is corked at the turn's first write and uncorked on the next tick, as node's own
 * HTTP client does with a request's head. undici writes a streamed body chunk by chunk, each with its own
 * cork and uncork, and at its default 64 KiB high-water mark waits for 'drain' after each: a 1 MB upload
 * already read (on loopback undici starts writing only once the client's whole upload is in) went to the
 * engine as 17 writes in as many turns, each a syscall and a wake-up of the engine, and the engine had the
 * last byte ~1 ms after the first. Coalesced, it is one writev, and the engine has the last byte 0.25–0.3 ms
 * after the first (bench:frontdoor; bench/README.md, front doors).
 * Writes in different turns (a client still sending) go out as before, each in its own turn.
 */
export function turnCoalescingConnector(options: buildConnector.BuildOptions): buildConnector.connector {
  // net.connect takes a stream's highWaterMark (undici sets its 64 KiB there); the option types leave it out.
  const withMark: buildConnector.BuildOptions & { highWaterMark: number } = {
    ...options,
    highWaterMark: CONNECTION_HIGH_WATER_MARK,
  };
  const connect = buildConnector(withMark);
  return (target, callback) =>
    connect(target, (...args) => {
      if (args[1]) coalesceWritesPerTurn(args[1]);
      callback(...args);
    });
}

/** Corks the socket at the first write of a turn and uncorks it on the next tick. */
function coalesceWritesPerTurn(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: unknown[]): boolean {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return (write as (...given: unknown[]) => boolean).apply(this, args);
  };
}
