import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@app/common';

/** What one part's headers said. */
export interface PartHead {
  fieldName: string;
  /** Present for a file part (a `filename` parameter, even an empty one), as busboy decides. */
  fileName?: string;
  /** The part's content-type; application/octet-stream for a file that names none. */
  mimeType: string;
}

/** Where the scanner puts what it finds. A handler may throw (a refused part): `write` throws it on. */
export interface ScannedForm {
  field(name: string, value: string): void;
  /** A file part began; its bytes follow through `fileData`, its end through `fileEnd`. */
  fileStart(head: PartHead): void;
  fileData(chunk: Buffer): void;
  fileEnd(): void;
}

export interface ScanLimits {
  /** Text fields in the form. */
  fields: number;
  /** Bytes of one text field's value. */
  fieldBytes: number;
  /** Bytes of one part's header block. */
  headerBytes: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = { fields: 20, fieldBytes: 64 * 1024, headerBytes: 16 * 1024 };

type State = 'preamble' | 'delimiter' | 'headers' | 'field' | 'file' | 'done';

const CR = 13;
const LF = 10;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
/** Transport padding RFC 2046 allows after a boundary, before its line break. */
const MAX_PADDING = 64;

/** 400 naming the part it is about (the form's `file` when no part can be named yet). */
export function malformed(message: string, param = 'file'): ApiError {
  return new ApiError(HttpStatus.BAD_REQUEST, 'BAD_MULTIPART', `Malformed multipart body: ${message}`, {
    param,
  });
}

/** The boundary of a `multipart/form-data` content type (RFC 2046: 1 to 70 characters). */
export function multipartBoundary(contentType: string | undefined): string {
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;|$)/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw malformed('the content-type has no usable boundary');
  return boundary;
}

/** Parameters of a header value (`form-data; name="a"; filename="b.wav"`), names lower-cased. */
function headerParameters(value: string): Map<string, string> {
  const parameters = new Map<string, string>();
  const pattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (let match = pattern.exec(value); match; match = pattern.exec(value)) {
    const name = match[1].toLowerCase();
    const text = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3].trim();
    if (name.endsWith('*')) {
      // RFC 5987 (`filename*=utf-8''na%C3%AFve.wav`), which wins over the plain form.
      const encoded = /^[^']*'[^']*'(.*)$/.exec(text);
      try {
        parameters.set(name.slice(0, -1), decodeURIComponent(encoded ? encoded[1] : text));
      } catch {
        // Undecodable: the plain parameter, if any, stands.
      }
    } else if (!parameters.has(name)) {
      parameters.set(name, text);
    }
  }
  return parameters;
}

/** Reads one part's header block (without its blank line). */
function partHead(block: string): PartHead {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`a part header line has no name: ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'content-disposition') disposition = line.slice(colon + 1).trim();
    else if (name === 'content-type') contentType = line.slice(colon + 1).trim();
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) {
    throw malformed('a part has no content-disposition: form-data header');
  }
  const parameters = headerParameters(disposition);
  const fieldName = parameters.get('name');
  if (fieldName === undefined) throw malformed('a part has no field name');
  const fileName = parameters.get('filename');
  return fileName === undefined
    ? { fieldName, mimeType: contentType || 'text/plain' }
    : { fieldName, fileName, mimeType: contentType || 'application/octet-stream' };
}

/**
 * Where a partial delimiter may start at the end of `buffer`: the first position from `from` whose rest is
 * a prefix of `delimiter`; the buffer's length when none is.
 */
function partialDelimiterAt(buffer: Buffer, from: number, delimiter: Buffer): number {
  for (let at = buffer.indexOf(CR, from); at !== -1; at = buffer.indexOf(CR, at + 1)) {
    if (buffer.compare(delimiter, 0, buffer.length - at, at) === 0) return at;
  }
  return buffer.length;
}

/**
 * A `multipart/form-data` body read as it arrives, with the file's bytes passed on as they come: the part
 * boundaries are found with `Buffer.indexOf` (native, memchr-based) and the file's content is handed on as
 * slices of the chunks received, never copied or looked at byte by byte in JavaScript. Text fields are
 * collected (bounded) and told whole; a file part's bytes go to `fileData` the moment they are known not to
 * be the start of a boundary (a chunk ending in what may be one keeps those few bytes until the next).
 *
 * Why not busboy (through @fastify/multipart), the maintained parser used before: busboy runs its boundary
 * search (streamsearch, Boyer-Moore-Horspool in JavaScript) over every byte of the file and re-emits the
 * file through a paused stream of its own; on the front-door bench (bench/README.md) that cost about 0.5 ms
 * per 1 MB upload, plus 0.24 ms of per-request setup, most of the front door's own cost beyond a plain pipe
 * proxy. This scanner does the same work for a 1 MB upload in a few tens of microseconds.
 *
 * Bounded: header blocks (`headerBytes`), text values (`fieldBytes`) and their count (`fields`); the file's
 * size is left to the caller, which sees every byte. Anything that is not a well-formed form is a 400 that
 * names the part it is in (the form's `file` when no part can be named).
 */
export class MultipartScanner {
  private readonly delimiter: Buffer;
  /** Bytes of the last chunk that could not be judged yet (a possible delimiter start, an open header). */
  private carry: Buffer | undefined;
  private state: State = 'preamble';
  private current: PartHead | undefined;
  private fieldChunks: Buffer[] = [];
  private fieldLength = 0;
  private fieldCount = 0;
  private padding = 0;
  private started = false;

  constructor(
    boundary: string,
    private readonly form: ScannedForm,
    private readonly limits: ScanLimits = DEFAULT_SCAN_LIMITS,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  /** Whether the closing boundary has been read (what follows it is ignored). */
  get finished(): boolean {
    return this.state === 'done';
  }

  /** The field whose part is being read, for errors about it. */
  get part(): string {
    return this.current?.fieldName ?? 'file';
  }

  write(chunk: Buffer): void {
    if (this.finished) return;
    let buffer = chunk;
    let at = 0;
    if (this.carry) {
      buffer = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    } else if (!this.started) {
      this.started = true;
      // The first boundary opens the body without a line break before it (the usual case, and no copy);
      // otherwise the body is scanned as if it had one, so that a preamble is skipped.
      const first = this.delimiter.length - 2;
      if (
        buffer.length >= first &&
        buffer.compare(this.delimiter, 2, this.delimiter.length, 0, first) === 0
      ) {
        this.state = 'delimiter';
        at = first;
      } else {
        buffer = Buffer.concat([CRLF, chunk]);
      }
    }
    while (at < buffer.length && !this.finished) {
      switch (this.state) {
        case 'preamble':
        case 'field':
        case 'file':
          at = this.scanContent(buffer, at);
          break;
        case 'delimiter':
          at = this.afterDelimiter(buffer, at);
          break;
        case 'headers':
          at = this.readHeaders(buffer, at);
          break;
        case 'done':
          break;
      }
    }
  }

  /** The body ended: fails unless the closing boundary was read. */
  end(): void {
    if (this.state !== 'done') {
      throw malformed(
        this.state === 'preamble' ? 'no part boundary found' : 'the body ended before its closing boundary',
        this.part,
      );
    }
  }

  /** Content up to the next delimiter: the preamble (dropped), a field's value or a file's bytes. */
  private scanContent(buffer: Buffer, from: number): number {
    const at = buffer.indexOf(this.delimiter, from);
    if (at === -1) {
      const keep = partialDelimiterAt(
        buffer,
        Math.max(from, buffer.length - this.delimiter.length + 1),
        this.delimiter,
      );
      this.content(buffer, from, keep);
      if (keep < buffer.length) this.carry = buffer.subarray(keep);
      return buffer.length;
    }
    this.content(buffer, from, at);
    if (this.state === 'field') this.endField();
    else if (this.state === 'file') this.form.fileEnd();
    this.current = undefined;
    this.state = 'delimiter';
    this.padding = 0;
    return at + this.delimiter.length;
  }

  private content(buffer: Buffer, from: number, to: number): void {
    if (to <= from) return;
    if (this.state === 'file') {
      this.form.fileData(from === 0 && to === buffer.length ? buffer : buffer.subarray(from, to));
    } else if (this.state === 'field') {
      this.fieldLength += to - from;
      if (this.fieldLength > this.limits.fieldBytes) {
        throw new ApiError(
          HttpStatus.PAYLOAD_TOO_LARGE,
          'FIELD_TOO_LARGE',
          `The field '${this.part}' exceeds ${this.limits.fieldBytes} bytes`,
          { param: this.part },
        );
      }
      this.fieldChunks.push(buffer.subarray(from, to));
    }
  }

  /** After a delimiter: `--` closes the form, a line break opens the next part's headers. */
  private afterDelimiter(buffer: Buffer, from: number): number {
    let at = from;
    while (at < buffer.length && (buffer[at] === 0x20 || buffer[at] === 0x09)) {
      at++;
      if (++this.padding > MAX_PADDING) throw malformed('a boundary line is followed by junk');
    }
    if (buffer.length - at < 2) {
      if (at < buffer.length) this.carry = buffer.subarray(at);
      return buffer.length;
    }
    if (buffer[at] === 0x2d && buffer[at + 1] === 0x2d && this.padding === 0) {
      this.state = 'done';
      return buffer.length;
    }
    if (buffer[at] !== CR || buffer[at + 1] !== LF) throw malformed('a boundary line is followed by junk');
    this.state = 'headers';
    return at + 2;
  }

  private readHeaders(buffer: Buffer, from: number): number {
    if (buffer.length - from >= 2 && buffer[from] === CR && buffer[from + 1] === LF) {
      throw malformed('a part has no headers');
    }
    const end = buffer.indexOf(HEADER_END, from);
    if (end === -1) {
      if (buffer.length - from > this.limits.headerBytes) throw malformed('a part header block is too large');
      this.carry = buffer.subarray(from);
      return buffer.length;
    }
    if (end - from > this.limits.headerBytes) throw malformed('a part header block is too large');
    const head = partHead(buffer.toString('utf8', from, end));
    this.current = head;
    if (head.fileName !== undefined) {
      this.state = 'file';
      this.form.fileStart(head);
    } else {
      if (++this.fieldCount > this.limits.fields) {
        throw new ApiError(
          HttpStatus.PAYLOAD_TOO_LARGE,
          'TOO_MANY_FIELDS',
          `The form has more than ${this.limits.fields} text fields`,
          { param: head.fieldName },
        );
      }
      this.state = 'field';
      this.fieldChunks = [];
      this.fieldLength = 0;
    }
    return end + HEADER_END.length;
  }

  private endField(): void {
    const value = Buffer.concat(this.fieldChunks, this.fieldLength).toString('utf8');
    this.fieldChunks = [];
    this.form.field(this.part, value);
  }
}
