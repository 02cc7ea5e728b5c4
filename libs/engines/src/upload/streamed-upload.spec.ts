import { PassThrough } from 'node:stream';
import { StreamedUpload } from './streamed-upload';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('StreamedUpload', () => {
  it('hands bytes to a reader as they arrive, and replays them all to a later reader', async () => {
    const source = new PassThrough();
    const upload = new StreamedUpload(source);
    const first = upload.open();
    const seen: string[] = [];
    first.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    source.write('ab');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['ab']);
    source.end('cd');
    await upload.done;
    expect((await readAll(upload.open())).toString()).toBe('abcd');
    expect((await upload.whole()).toString()).toBe('abcd');
    expect(upload.size).toBe(4);
  });

  it('fails every reader when the start of the upload is refused', async () => {
    const source = new PassThrough();
    const upload = new StreamedUpload(source, {
      inspect: (head) => (head.toString().startsWith('bad') ? new Error('refused') : undefined),
    });
    const reader = readAll(upload.open());
    source.end('bad bytes');
    await expect(reader).rejects.toThrow('refused');
    await expect(upload.done).rejects.toThrow('refused');
  });

  it('fails when the source says it was cut short', async () => {
    const source = new PassThrough();
    const upload = new StreamedUpload(source, { truncated: () => new Error('too large') });
    source.end('x');
    await expect(upload.whole()).rejects.toThrow('too large');
  });
});
