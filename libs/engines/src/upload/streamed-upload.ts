import { Readable } from 'node:stream';

/** Bytes of the upload's start handed to `inspect` (a WAV header with its `fmt ` and `data` chunks). */
const HEAD_BYTES = 4096;

export interface StreamedUploadOptions {
  /**
   * Checks the start of the upload: once when its first bytes are in (`totalBytes` unknown), and again at
   * its end with the total; an error fails the upload.
   */
  inspect?: (head: Buffer, totalBytes?: number) => Error | undefined;
}

/** Bytes around the upload in what a reader gets: a multipart part's head and tail, say. */
export interface UploadFrame {
  before?: Buffer;
  after?: Buffer;
}

/** One `open()` reader: how far it has read, and whether its frame's head and tail are out. */
interface Reader {
  stream: Readable;
  frame: UploadFrame;
  next: number;
  started: boolean;
}

/**
 * An upload that is still arriving, read by the engine call while it arrives: the client's bytes go on to
 * the engine as they come instead of after the whole file, so the engine starts receiving (and, for engines
 * that decode as they read, working) at once. The chunks are kept as received, not copied or joined, until
 * the request is over: a call that fails on one instance is replayed to another from the first byte (every
 * transcription may move, EnginePool), and that needs the bytes again. `open()` may be called any number of
 * times; each reader gets everything from the start and then follows the upload live. Its owner, the parser
 * that finds the file's bytes in the request, feeds it (`append`, `end`, `fail`).
 */
export class StreamedUpload {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private ended = false;
  private head: Buffer | undefined;
  private error: Error | undefined;
  /** Open readers; those in `waiting` asked for more than has arrived. */
  private readonly readers = new Set<Reader>();
  private readonly waiting = new Set<Reader>();
  /** Resolves once the upload has ended, rejects when it failed. */
  readonly done: Promise<void>;
  private settle!: (error?: Error) => void;

  constructor(private readonly options: StreamedUploadOptions = {}) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve());
    });
    // A failed upload is the client's answer; nobody else must see it as unhandled.
    this.done.catch(() => undefined);
  }

  /** The next bytes of the upload, as received (kept, not copied). */
  append(chunk: Buffer): void {
    if (this.error || this.ended) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (!this.head && this.bytes >= HEAD_BYTES) this.inspect();
    this.wake();
  }

  /** The upload is complete (unless `inspect`, told its total, refuses it). */
  end(): void {
    if (this.error || this.ended) return;
    this.inspect(this.bytes);
    if (this.error) return;
    this.ended = true;
    this.settle();
    this.wake();
  }

  get size(): number {
    return this.bytes;
  }

  /** Why the upload failed, once it has. */
  get failure(): Error | undefined {
    return this.error;
  }

  /**
   * Everything from the first byte, then the rest as it arrives, between `frame.before` and `frame.after`;
   * fails (is destroyed with the error) when the upload fails. Chunks are pushed the moment they arrive, as
   * received, with no promise per chunk. Not joined: a copy of what piled up adds a megabyte of buffers per
   * megabyte uploaded for the garbage collector, and the engine's connection already sends what is pushed
   * in one turn as one write (@app/gateway turn-coalescing-connector.ts).
   */
  open(frame: UploadFrame = {}): Readable {
    const reader: Reader = {
      frame,
      next: 0,
      started: false,
      stream: new Readable({
        read: () => this.feed(reader),
        destroy: (error, done) => {
          this.readers.delete(reader);
          this.waiting.delete(reader);
          done(error);
        },
      }),
    };
    // The upload's failure is told through `done` and `failure`; a reader that fails before its consumer
    // has listened (the engine call is still being set up) must not be an unhandled 'error' event.
    reader.stream.on('error', () => undefined);
    this.readers.add(reader);
    return reader.stream;
  }

  /** The whole upload, for an engine kind that cannot take it as it arrives. */
  async whole(): Promise<Buffer> {
    await this.done;
    return Buffer.concat(this.chunks, this.bytes);
  }

  fail(error: Error): void {
    if (this.error || this.ended) return;
    this.error = error;
    this.settle(error);
    for (const reader of [...this.readers]) reader.stream.destroy(error);
  }

  /** Gives a reader that asked for more whatever it has not had yet. */
  private feed(reader: Reader): void {
    if (this.error) return void reader.stream.destroy(this.error);
    const parts: Buffer[] = [];
    if (!reader.started && reader.frame.before) parts.push(reader.frame.before);
    reader.started = true;
    while (reader.next < this.chunks.length) parts.push(this.chunks[reader.next++]);
    if (this.ended && reader.frame.after) parts.push(reader.frame.after);
    for (const part of parts) reader.stream.push(part);
    if (this.ended) {
      this.readers.delete(reader);
      reader.stream.push(null);
    } else if (parts.length === 0) {
      this.waiting.add(reader);
    }
  }

  private inspect(totalBytes?: number): void {
    if (this.error) return;
    this.head ??= Buffer.concat(this.chunks, Math.min(this.bytes, HEAD_BYTES));
    const problem = this.options.inspect?.(this.head, totalBytes);
    if (problem) this.fail(problem);
  }

  private wake(): void {
    if (this.waiting.size === 0) return;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const reader of waiting) this.feed(reader);
  }
}
