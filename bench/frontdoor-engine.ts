/**
 * The engine of bench/frontdoor.ts, in its own process as a real engine is: an OpenAI-compatible stand-in
 * that answers at once, so the bench measures the front door and not the engine. For each upload it tells
 * its parent (IPC) when the first and last bytes reached it, on the monotonic clock that every process on
 * the machine shares (process.hrtime), so the bench can set them against its own send times.
 *
 *   spawned by bench/frontdoor.ts; sends { listening: url } once, then { firstByte, lastByte, bytes } per upload
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UploadTimes {
  /** process.hrtime.bigint() as a decimal string (bigints do not cross IPC). */
  firstByte: string;
  lastByte: string;
  /** Bytes of the request body received (the whole multipart form). */
  bytes: number;
}

const ANSWER = JSON.stringify({
  task: 'transcribe',
  language: 'english',
  duration: 32.8,
  text: 'ok',
  segments: [],
});

const engine = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url === '/health' ? '{"status":"ok"}' : '{"object":"list","data":[]}');
    return;
  }
  let firstByte: bigint | undefined;
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    firstByte ??= process.hrtime.bigint();
    bytes += chunk.length;
  });
  req.on('end', () => {
    const lastByte = process.hrtime.bigint();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) });
    res.end(ANSWER);
    // After the answer, so that telling the bench costs the answer nothing.
    const times: UploadTimes = {
      firstByte: String(firstByte ?? lastByte),
      lastByte: String(lastByte),
      bytes,
    };
    process.send?.(times);
  });
});
engine.keepAliveTimeout = 30_000;
engine.listen(0, '127.0.0.1', () => {
  process.send?.({ listening: `http://127.0.0.1:${(engine.address() as AddressInfo).port}` });
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
