import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp, type RunningApp } from '../support/app-harness';
import { writeConfigFile } from '../support/config-file';
import { eventually } from '../support/eventually';
import { readForm } from '../support/fake-engine-server';
import { pcm16Wav } from '../support/wav';

/** What the engine received in one upload: the file's size and every text field. */
interface ReceivedUpload {
  size: number;
  fields: Record<string, string>;
}

/**
 * An OpenAI-compatible engine (CONTRACTS §4) that notes when the first byte of each upload reached it, and
 * records what each upload carried.
 */
async function startWatchingEngine(): Promise<{
  url: string;
  firstBytes: number;
  uploads: ReceivedUpload[];
  close(): Promise<void>;
  server: Server;
}> {
  const state = { firstBytes: 0, uploads: [] as ReceivedUpload[] };
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
        const fields: Record<string, string> = {};
        form.forEach((value, name) => {
          if (typeof value === 'string') fields[name] = value;
        });
        state.uploads.push({ size: (await file.arrayBuffer()).byteLength, fields });
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

/** A multipart request to `path` sent piece by piece; `between` runs after the first piece is out. */
function sendInPieces(
  url: string,
  pieces: Buffer[],
  between: () => Promise<void>,
  path = '/v1/audio/transcriptions',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}${path}`,
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
    void between().then(async () => {
      // A turn of the event loop between pieces, so that the server reads them one by one.
      for (const piece of pieces.slice(1)) {
        request.write(piece);
        await new Promise((resolve) => setImmediate(resolve));
      }
      request.end();
    }, reject);
  });
}

function splitEvery(bytes: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return pieces;
}

/** A whole multipart request in one piece: the text field parts, then the file and the closing boundary. */
function sendForm(
  url: string,
  fields: string,
  file: Buffer,
  path?: string,
): Promise<{ status: number; body: string }> {
  return sendInPieces(
    url,
    [Buffer.concat([Buffer.from(fields + fileHead()), file, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)])],
    () => Promise.resolve(),
    path,
  );
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

  // The same streamed upload behind both synchronous transcription routes, each with its first field.
  it.each([
    {
      path: '/v1/audio/transcriptions',
      field: ['model', 'whisper-1'],
      body: JSON.stringify({ text: 'heard', usage: { type: 'duration', seconds: 1 } }),
    },
    { path: '/api/transcribe', field: ['language', 'en'], body: expect.stringContaining('"text":"heard"') },
  ])('streams the file to the engine while the client is still sending it: $path', async (route) => {
    const wav = pcm16Wav(new Int16Array(16000 * 2));
    const before = engine.firstBytes;
    const answer = await sendInPieces(
      app.url,
      [
        Buffer.concat([
          Buffer.from(fieldPart(route.field[0], route.field[1]) + fileHead()),
          wav.subarray(0, 20_000),
        ]),
        Buffer.concat([wav.subarray(20_000), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]),
      ],
      // Held whole, nothing would reach the engine before the rest is sent: this would time out.
      async () => {
        await eventually('the engine to receive the first bytes', () => engine.firstBytes > before);
      },
      route.path,
    );
    expect(answer).toEqual({ status: 200, body: route.body });
    expect(engine.uploads.at(-1)).toEqual({ size: wav.length, fields: expect.any(Object) });
  });

  it.each([
    { path: '/v1/audio/transcriptions', first: fieldPart('model', 'whisper-1') },
    { path: '/api/transcribe', first: '' },
  ])('passes prompt and temperature on to the engine: $path', async (route) => {
    const wav = pcm16Wav(new Int16Array(16000));
    const extra = route.path === '/api/transcribe' ? '' : fieldPart('prompt', 'Earlier words.');
    const answer = await sendForm(
      app.url,
      route.first + fieldPart('temperature', '0.3') + extra,
      wav,
      route.path,
    );
    expect(answer.status).toBe(200);
    expect(engine.uploads.at(-1)?.fields).toMatchObject({
      temperature: '0.3',
      ...(extra ? { prompt: 'Earlier words.' } : {}),
    });
  });

  it('refuses a temperature out of range, naming the field, on both routes', async () => {
    const wav = pcm16Wav(new Int16Array(1600));
    for (const path of ['/v1/audio/transcriptions', '/api/transcribe']) {
      const answer = await sendForm(
        app.url,
        fieldPart('model', 'whisper-1') + fieldPart('temperature', '1.5'),
        wav,
        path,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toContain('temperature');
    }
  });

  it('keeps the call when a field after the file changes only the answer, makes it again when it changes the call', async () => {
    const wav = pcm16Wav(new Int16Array(16000));
    const calls = engine.uploads.length;
    const formatAfter = await sendInPieces(
      app.url,
      [
        Buffer.concat([Buffer.from(fieldPart('model', 'whisper-1') + fileHead()), wav]),
        Buffer.from(`\r\n${fieldPart('response_format', 'text')}--${BOUNDARY}--\r\n`),
      ],
      () => Promise.resolve(),
    );
    expect(formatAfter).toEqual({ status: 200, body: 'heard\n' });
    expect(engine.uploads.length).toBe(calls + 1);

    const languageAfter = await sendInPieces(
      app.url,
      [
        Buffer.concat([Buffer.from(fieldPart('model', 'whisper-1') + fileHead()), wav]),
        Buffer.from(`\r\n${fieldPart('language', 'en')}--${BOUNDARY}--\r\n`),
      ],
      () => Promise.resolve(),
    );
    expect(languageAfter.status).toBe(200);
    expect(engine.uploads.at(-1)?.fields.language).toBe('en');
  });

  it('reads a form that arrives a few bytes at a time, with its fields after the file', async () => {
    const wav = pcm16Wav(new Int16Array(8000));
    const body = Buffer.concat([
      Buffer.from(fileHead()),
      wav,
      Buffer.from(
        `\r\n${fieldPart('prompt', 'After the file.')}${fieldPart('model', 'whisper-1')}--${BOUNDARY}--\r\n`,
      ),
    ]);
    // Tiny pieces through the file's head and the fields after it split every boundary and header line.
    const answer = await sendInPieces(
      app.url,
      [
        ...splitEvery(body.subarray(0, 300), 3),
        ...splitEvery(body.subarray(300, body.length - 300), 997),
        ...splitEvery(body.subarray(body.length - 300), 3),
      ],
      () => Promise.resolve(),
    );
    expect(answer.status).toBe(200);
    expect(engine.uploads.at(-1)).toEqual({
      size: wav.length,
      fields: expect.objectContaining({ prompt: 'After the file.' }),
    });
  });

  it.each([
    { path: '/v1/audio/transcriptions', code: 'bad_multipart' },
    { path: '/api/transcribe', code: 'BAD_MULTIPART' },
  ])('refuses a malformed form with a 400 naming the part it is in: $path', async (route) => {
    const wav = pcm16Wav(new Int16Array(1600));
    const cut = await sendInPieces(
      app.url,
      [Buffer.concat([Buffer.from(fieldPart('model', 'whisper-1') + fileHead()), wav])],
      () => Promise.resolve(),
      route.path,
    );
    expect(cut.status).toBe(400);
    expect(JSON.parse(cut.body)).toEqual({
      error: expect.objectContaining({ code: route.code, param: 'file' }),
    });
    const nameless = await sendInPieces(
      app.url,
      [Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data\r\n\r\nx\r\n--${BOUNDARY}--\r\n`)],
      () => Promise.resolve(),
      route.path,
    );
    expect(nameless.status).toBe(400);
    expect(JSON.parse(nameless.body)).toEqual({
      error: expect.objectContaining({ code: route.code, message: expect.stringContaining('no field name') }),
    });
  });

  it('refuses a WAV over the duration cap from its header, and a file over the size cap', async () => {
    const long = pcm16Wav(new Int16Array(16000 * 6));
    const tooLong = await sendForm(app.url, fieldPart('model', 'whisper-1'), long);
    expect(tooLong.status).toBe(413);
    expect(JSON.parse(tooLong.body)).toEqual({
      error: expect.objectContaining({
        param: 'file',
        code: 'audio_too_long',
        message: expect.stringContaining('6 s'),
      }),
    });
    const big = Buffer.concat([Buffer.from('RIFX'), Buffer.alloc(450_000)]);
    const tooLarge = await sendForm(app.url, fieldPart('model', 'whisper-1'), big);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toEqual({
      error: expect.objectContaining({ param: 'file', code: 'audio_too_large' }),
    });
  });

  it('holds /api/transcribe to the same caps as the bytes pass, in its own error shape naming the file', async () => {
    const long = pcm16Wav(new Int16Array(16000 * 6));
    const answer = await sendForm(app.url, fieldPart('language', 'en'), long, '/api/transcribe');
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      error: expect.objectContaining({ code: 'AUDIO_TOO_LONG', param: 'file', limit_seconds: 5 }),
    });
  });
});
