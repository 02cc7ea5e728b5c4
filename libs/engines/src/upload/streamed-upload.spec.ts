import { StreamedUpload } from './streamed-upload';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const bytes = (text: string): Buffer => Buffer.from(text);

describe('StreamedUpload', () => {
  it('hands bytes to a reader as they arrive, and replays them all to a later reader', async () => {
    const upload = new StreamedUpload();
    const first = upload.open();
    const seen: string[] = [];
    first.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    upload.append(bytes('ab'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['ab']);
    upload.append(bytes('cd'));
    upload.end();
    await upload.done;
    expect((await readAll(upload.open())).toString()).toBe('abcd');
    expect((await upload.whole()).toString()).toBe('abcd');
    expect(upload.size).toBe(4);
  });

  it('fails every reader when the start of the upload is refused', async () => {
    const upload = new StreamedUpload({
      inspect: (head) => (head.toString().startsWith('bad') ? new Error('refused') : undefined),
    });
    const reader = readAll(upload.open());
    upload.append(bytes('bad bytes'));
    upload.end();
    await expect(reader).rejects.toThrow('refused');
    await expect(upload.done).rejects.toThrow('refused');
  });

  it('fails at its end when the total is refused', async () => {
    const upload = new StreamedUpload({
      inspect: (_head, totalBytes) => (totalBytes !== undefined ? new Error('too large') : undefined),
    });
    upload.append(bytes('x'));
    upload.end();
    await expect(upload.whole()).rejects.toThrow('too large');
  });

  it('puts the frame around the upload, for a reader opened before and one opened after the end', async () => {
    const upload = new StreamedUpload();
    const frame = { before: bytes('<'), after: bytes('>') };
    const early = readAll(upload.open(frame));
    upload.append(bytes('ab'));
    upload.append(bytes('cd'));
    upload.end();
    expect((await early).toString()).toBe('<abcd>');
    expect((await readAll(upload.open(frame))).toString()).toBe('<abcd>');
  });

  it('hands what piled up over at once, chunk by chunk as received, then follows the upload', async () => {
    const upload = new StreamedUpload();
    upload.append(bytes('ab'));
    upload.append(bytes('cd'));
    const reader = upload.open({ before: bytes('<') });
    const chunks: string[] = [];
    reader.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(chunks).toEqual(['<', 'ab', 'cd']);
    upload.append(bytes('ef'));
    upload.end();
    await new Promise((resolve) => reader.once('end', resolve));
    expect(chunks).toEqual(['<', 'ab', 'cd', 'ef']);
  });

  it('fails a reader that is still reading when the upload fails', async () => {
    const upload = new StreamedUpload();
    const reader = readAll(upload.open());
    upload.append(bytes('ab'));
    upload.fail(new Error('cut off'));
    await expect(reader).rejects.toThrow('cut off');
  });
});
