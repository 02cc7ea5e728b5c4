import { ApiError } from '@app/common';
import { MultipartScanner, multipartBoundary, type PartHead, type ScanLimits } from './multipart-scanner';

const BOUNDARY = 'scanner-test-boundary';

interface Scanned {
  events: string[];
  fields: Record<string, string>;
  files: { head: PartHead; data: Buffer }[];
}

/** Scans `body` fed in the given chunk sizes (the rest in one piece), then ends it. */
function scan(body: Buffer, sizes: number[] = [], limits?: ScanLimits): Scanned {
  const scanned: Scanned = { events: [], fields: {}, files: [] };
  let chunks: Buffer[] = [];
  const scanner = new MultipartScanner(
    BOUNDARY,
    {
      field: (name, value) => {
        scanned.events.push(`field ${name}`);
        scanned.fields[name] = value;
      },
      fileStart: (head) => {
        scanned.events.push(`file ${head.fieldName}`);
        chunks = [];
        scanned.files.push({ head, data: Buffer.alloc(0) });
      },
      fileData: (chunk) => chunks.push(Buffer.from(chunk)),
      fileEnd: () => {
        scanned.events.push('file end');
        scanned.files.at(-1)!.data = Buffer.concat(chunks);
      },
    },
    limits,
  );
  let at = 0;
  for (const size of sizes) {
    scanner.write(body.subarray(at, at + size));
    at += size;
  }
  if (at < body.length) scanner.write(body.subarray(at));
  scanner.end();
  return scanned;
}

function field(name: string, value: string): string {
  return `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

function form(parts: (string | Buffer)[], close = `--${BOUNDARY}--\r\n`): Buffer {
  return Buffer.concat([...parts.map((part) => Buffer.from(part)), Buffer.from(close)]);
}

function filePart(data: Buffer, name = 'file', fileName = 'talk.wav'): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"; filename="${fileName}"\r\ncontent-type: audio/wav\r\n\r\n`,
    ),
    data,
    Buffer.from('\r\n'),
  ]);
}

/** Bytes that look like the start of a delimiter again and again without being one. */
function nearMisses(length: number): Buffer {
  const pattern = Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}x\r\r\n-\r\n--`);
  const data = Buffer.alloc(length);
  for (let i = 0; i < length; i++) data[i] = pattern[i % pattern.length];
  return data;
}

function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the scan to be refused');
}

describe('MultipartScanner', () => {
  const audio = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256));

  it('reads the fields and the file, in order, with the file passed on byte for byte', () => {
    const body = form([field('model', 'whisper-1'), filePart(audio), field('language', 'en')]);
    const scanned = scan(body);
    expect(scanned.events).toEqual(['field model', 'file file', 'file end', 'field language']);
    expect(scanned.fields).toEqual({ model: 'whisper-1', language: 'en' });
    expect(scanned.files[0].head).toEqual({ fieldName: 'file', fileName: 'talk.wav', mimeType: 'audio/wav' });
    expect(scanned.files[0].data.equals(audio)).toBe(true);
  });

  it('tells fields that come after the file (the Node SDK orders them so) after the file has ended', () => {
    const body = form([filePart(audio), field('model', 'whisper-1'), field('response_format', 'text')]);
    expect(scan(body).events).toEqual(['file file', 'file end', 'field model', 'field response_format']);
  });

  it('gives the same result however the body is cut: a boundary split across chunks, one byte at a time', () => {
    const body = form([field('model', 'whisper-1'), filePart(audio), field('prompt', 'Hello.')]);
    const whole = scan(body);
    const delimiterAt = body.indexOf(`\r\n--${BOUNDARY}`, body.indexOf('talk.wav'));
    for (const sizes of [
      [delimiterAt + 1],
      [delimiterAt + 5],
      [delimiterAt + 2, 3, 1, 1],
      Array.from({ length: body.length }, () => 1),
      Array.from({ length: Math.ceil(body.length / 7) }, () => 7),
    ]) {
      const scanned = scan(body, sizes);
      expect(scanned.fields).toEqual(whole.fields);
      expect(scanned.files[0].data.equals(audio)).toBe(true);
    }
  });

  it('keeps file bytes that only look like the start of a boundary, wherever the chunks end', () => {
    const tricky = Buffer.concat([nearMisses(3000), Buffer.from('\r\n--'), Buffer.from('\r')]);
    const body = form([filePart(tricky), field('model', 'whisper-1')]);
    for (const size of [1, 2, 3, 13, 64, 1000, body.length]) {
      const scanned = scan(
        body,
        Array.from({ length: Math.ceil(body.length / size) }, () => size),
      );
      expect(scanned.files[0].data.equals(tricky)).toBe(true);
      expect(scanned.fields).toEqual({ model: 'whisper-1' });
    }
  });

  it('takes a preamble, values with CR and LF inside, an epilogue and a quoted boundary', () => {
    const body = Buffer.concat([
      Buffer.from('This is the preamble.\r\n'),
      form(
        [field('prompt', 'line one\r\nline two\rthree\n'), filePart(Buffer.alloc(0))],
        `--${BOUNDARY}--\r\nepilogue`,
      ),
    ]);
    const scanned = scan(body);
    expect(scanned.fields.prompt).toBe('line one\r\nline two\rthree\n');
    expect(scanned.files[0].data.length).toBe(0);
    expect(multipartBoundary(`multipart/form-data; boundary="${BOUNDARY}"`)).toBe(BOUNDARY);
    expect(multipartBoundary(`multipart/form-data; charset=utf-8; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
  });

  it('decodes quoted and RFC 5987 file names, and defaults the content types', () => {
    const body = form([
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a\\"b.wav"; filename*=UTF-8''na%C3%AFve.wav\r\n\r\nxyz\r\n`,
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name=plain\r\n\r\nv\r\n`,
    ]);
    const scanned = scan(body);
    expect(scanned.files[0].head).toEqual({
      fieldName: 'file',
      fileName: 'naïve.wav',
      mimeType: 'application/octet-stream',
    });
    expect(scanned.fields).toEqual({ plain: 'v' });
  });

  it('refuses a body cut off before its closing boundary, naming the part it was in', () => {
    const body = form([field('model', 'whisper-1'), filePart(audio)], '');
    const error = refusal(() => scan(body.subarray(0, body.length - 100)));
    expect(error.status).toBe(400);
    expect(error.details).toEqual({ param: 'file' });
    expect(refusal(() => scan(Buffer.from(field('model', 'xyz').slice(0, -3)))).details).toEqual({
      param: 'model',
    });
  });

  it('refuses a missing boundary, a part without a name or disposition, and junk after a boundary', () => {
    expect(() => multipartBoundary('multipart/form-data')).toThrow(ApiError);
    expect(refusal(() => scan(Buffer.from('no boundary here at all'))).status).toBe(400);
    const noName = form([`--${BOUNDARY}\r\ncontent-disposition: form-data\r\n\r\nv\r\n`]);
    expect(refusal(() => scan(noName)).message).toMatch(/no field name/);
    const noDisposition = form([`--${BOUNDARY}\r\ncontent-type: text/plain\r\n\r\nv\r\n`]);
    expect(refusal(() => scan(noDisposition)).message).toMatch(/content-disposition/);
    const junk = form([`--${BOUNDARY}junk\r\ncontent-disposition: form-data; name="a"\r\n\r\nv\r\n`]);
    expect(refusal(() => scan(junk)).message).toMatch(/junk/);
    const headerOnlyLf = form([`--${BOUNDARY}\ncontent-disposition: form-data; name="a"\n\nv\r\n`]);
    expect(refusal(() => scan(headerOnlyLf)).status).toBe(400);
  });

  it('holds header blocks, field values and the field count to their limits, naming the field', () => {
    const limits = { fields: 2, fieldBytes: 10, headerBytes: 200 };
    const long = refusal(() => scan(form([field('prompt', 'x'.repeat(11))]), [], limits));
    expect(long.status).toBe(413);
    expect(long.details).toEqual({ param: 'prompt' });
    const many = refusal(() => scan(form([field('a', '1'), field('b', '2'), field('c', '3')]), [], limits));
    expect(many.details).toEqual({ param: 'c' });
    const header = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="a"\r\nx-pad: ${'p'.repeat(300)}\r\n\r\nv\r\n`;
    expect(refusal(() => scan(form([header]), [50, 50, 50, 50, 50, 50], limits)).message).toMatch(
      /too large/,
    );
  });
});
