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

  it('puts the frame around the upload, for a reader opened before and one opened after the end', async () => {
    const source = new PassThrough();
    const upload = new StreamedUpload(source);
    const frame = { before: Buffer.from('<'), after: Buffer.from('>') };
    const early = readAll(upload.open(frame));
    source.write('ab');
    source.end('cd');
    expect((await early).toString()).toBe('<abcd>');
    expect((await readAll(upload.open(frame))).toString()).toBe('<abcd>');
  });

  it('hands what piled up over at once, chunk by chunk as received, then follows the source', async () => {
    const source = new PassThrough();
    const upload = new StreamedUpload(source);
    source.write('ab');
    source.write('cd');
    await new Promise((resolve) => setImmediate(resolve));
    const reader = upload.open({ before: Buffer.from('<') });
    const chunks: string[] = [];
    reader.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toEqual(['<', 'ab', 'cd']);
    source.end('ef');
    await new Promise((resolve) => reader.once('end', resolve));
    expect(chunks).toEqual(['<', 'ab', 'cd', 'ef']);
  });

  it('fails a reader that is still reading when the upload fails', async () => {
    const source = new PassThrough();
    const upload = new StreamedUpload(source);
    const reader = readAll(upload.open());
    source.write('ab');
    upload.fail(new Error('cut off'));
    await expect(reader).rejects.toThrow('cut off');
  });
});
