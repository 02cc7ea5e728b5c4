import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Time left to other upgrade handlers (a raw WebSocket endpoint) before a stray upgrade is answered. */
const ANSWER_AFTER_MS = 100;

/**
 * A WebSocket upgrade on a path nobody serves would otherwise be dropped without an answer (engine.io only
 * ends the socket a second later). It gets a 404 in the service's error shape naming the Socket.IO path, so
 * a client that connected a plain WebSocket to the wrong place learns where to go. Upgrades under the
 * Socket.IO path are engine.io's; one that another handler has answered by then is left alone.
 */
export function answerStrayUpgrades(server: HttpServer, socketIoPath: string): void {
  const prefix = `${socketIoPath.replace(/\/+$/, '')}/`;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path.startsWith(prefix) || `${path}/` === prefix) return;
    setTimeout(() => {
      if (!socket.writable || (socket as Socket).bytesWritten > 0) return;
      const body = JSON.stringify({
        error: {
          code: 'NOT_FOUND',
          message: `No WebSocket endpoint at ${path}: connect with a Socket.IO client to ${prefix}`,
          request_id: randomUUID(),
        },
      });
      socket.on('error', () => undefined);
      socket.end(
        'HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }, ANSWER_AFTER_MS).unref();
  });
}
