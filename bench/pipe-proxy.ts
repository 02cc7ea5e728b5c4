/**
 * The floor of any front door, for bench/frontdoor.ts: the least a second hop can cost on this machine. A
 * plain Node HTTP server in its own process that pipes each request, as it arrives, to the engine over a
 * keep-alive connection and pipes the answer back; no parsing, no policies. Its added latency over the
 * direct call is what two processes and one more loopback transfer cost, whatever the proxy does.
 *
 *   spawned by bench/frontdoor.ts with <engine url>; sends { listening: url } once (IPC)
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const engineUrl = process.argv[2];
const engine = new URL(engineUrl);
const agent = new Agent({ keepAlive: true });

const server = createServer((req, res) => {
  const upstream = request(
    {
      host: engine.hostname,
      port: engine.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ listening: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
