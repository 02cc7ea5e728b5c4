/**
 * Preloaded (`node -r`) into the Portkey AI gateway's own start script (`@portkey-ai/gateway`'s bin,
 * build/start-server.js) for bench/frontdoor.ts. That script takes `--port=N` but no host, and Hono's node
 * server then listens on every interface; the bench is loopback only, so its one server is bound to 127.0.0.1
 * here. Once it listens, the bench is told its URL over IPC, as by the other helpers.
 *
 *   forked by bench/frontdoor.ts: start-server.js --port=0 --headless, with -r this file; sends { listening: url }
 */
import { Server, type AddressInfo } from 'node:net';

const listen = Server.prototype.listen;
// Hono's serve() calls listen(port, hostname, callback) with hostname undefined when none is given.
Server.prototype.listen = function (this: Server, ...args: unknown[]): Server {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string')
    args.splice(1, args[1] === undefined ? 1 : 0, '127.0.0.1');
  this.once('listening', () => {
    process.send?.({ listening: `http://127.0.0.1:${(this.address() as AddressInfo).port}` });
  });
  return listen.apply(this, args as Parameters<typeof listen>);
} as typeof listen;
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
