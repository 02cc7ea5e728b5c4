import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { eventually } from '../support/eventually';
import { readForm } from '../support/fake-engine-server';
import { pcm16Wav } from '../support/wav';

/** An OpenAI-compatible engine (CONTRACTS §4) that notes when the first byte of each upload reached it. */
async function startWatchingEngine(): Promise<{
  url: string;
  firstBytes: number;
  uploads: { size: number; model: string }[];
  close(): Promise<void>;
  server: Server;
}> {
  const state = { firstBytes: 0, uploads: [] as { size: number; model: string }[] };
  const server = createServer((request, response) => {
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(request.url === '/health' ? { status: 'ok' } : { object: 'list', data: [] }),
      );
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      if (chunks.length === 0) state.firstBytes++;
      chunks.push(chunk);
    });
    request.on('end', () => {
      void readForm(String(request.headers['content-type']), Buffer.concat(chunks)).then(async (form) => {
        const file = form.get('file') as File;
        state.uploads.push({
          size: (await file.arrayBuffer()).byteLength,
          model: form.get('model') as string,
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            task: 'transcribe',
            language: 'english',
            duration: 1,
            text: 'heard',
            segments: [],
          }),
        );
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get firstBytes() {
      return state.firstBytes;
    },
    uploads: state.uploads,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const BOUNDARY = 'streamed-upload-test';

function fieldPart(name: string, value: string): string {
  return `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

function fileHead(): string {
  return `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="a.wav"\r\ncontent-type: audio/wav\r\n\r\n`;
}

/** A multipart request sent piece by piece; `between` runs after the first piece is out. */
function sendInPieces(
  url: string,
  pieces: Buffer[],
  between: () => Promise<void>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}/v1/audio/transcriptions`,
      { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', reject);
    request.write(pieces[0]);
    void between().then(() => {
      for (const piece of pieces.slice(1)) request.write(piece);
      request.end();
    }, reject);
  });
}

describe('uploads through the OpenAI-compatible front door', () => {
  let app: RunningApp;
  let engine: Awaited<ReturnType<typeof startWatchingEngine>>;
  let config: { path: string; remove(): void };

  beforeAll(async () => {
    engine = await startWatchingEngine();
    config = writeConfigFile({
      services: { whisper: { kind: 'openai', instances: [{ url: engine.url }] } },
      pipeline: { max_audio_seconds: 5, max_audio_bytes: 400_000 },
    });
    app = await startApp({ CONFIG_FILE: config.path });
  });

  afterAll(async () => {
    await app.close();
    await engine.close();
    config.remove();
  });

  it('streams the file to the engine while the client is still sending it', async () => {
    const wav = pcm16Wav(new Int16Array(16000 * 2));
    const before = engine.firstBytes;
    const answer = await sendInPieces(
      app.url,
      [
        Buffer.concat([Buffer.from(fieldPart('model', 'whisper-1') + fileHead()), wav.subarray(0, 20_000)]),
        Buffer.concat([wav.subarray(20_000), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]),
      ],
      // Held whole, nothing would reach the engine before the rest is sent: this would time out.
      async () => {
        await eventually('the engine to receive the first bytes', () => engine.firstBytes > before);
      },
    );
    expect(answer).toEqual({
      status: 200,
      body: JSON.stringify({ text: 'heard', usage: { type: 'duration', seconds: 1 } }),
    });
    expect(engine.uploads.at(-1)).toEqual({ size: wav.length, model: 'whisper-1' });
  });

  it('makes the call again with every field when fields come after the file', async () => {
    const wav = pcm16Wav(new Int16Array(16000));
    const answer = await sendInPieces(
      app.url,
      [
        Buffer.concat([Buffer.from(fieldPart('model', 'whisper-1') + fileHead()), wav]),
        Buffer.from(`\r\n${fieldPart('response_format', 'text')}--${BOUNDARY}--\r\n`),
      ],
      () => Promise.resolve(),
    );
    expect(answer).toEqual({ status: 200, body: 'heard\n' });
  });

  it('refuses a WAV over the duration cap from its header, and a file over the size cap', async () => {
    const long = pcm16Wav(new Int16Array(16000 * 6));
    const tooLong = await sendInPieces(
      app.url,
      [
        Buffer.concat([
          Buffer.from(fieldPart('model', 'whisper-1') + fileHead()),
          long,
          Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
        ]),
      ],
      () => Promise.resolve(),
    );
    expect(tooLong.status).toBe(413);
    expect(JSON.parse(tooLong.body)).toEqual({
      error: expect.objectContaining({
        param: 'file',
        code: 'audio_too_long',
        message: expect.stringContaining('6 s'),
      }),
    });
    const big = Buffer.concat([Buffer.from('RIFX'), Buffer.alloc(450_000)]);
    const tooLarge = await sendInPieces(
      app.url,
      [
        Buffer.concat([
          Buffer.from(fieldPart('model', 'whisper-1') + fileHead()),
          big,
          Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
        ]),
      ],
      () => Promise.resolve(),
    );
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toEqual({
      error: expect.objectContaining({ param: 'file', code: 'audio_too_large' }),
    });
  });
});
