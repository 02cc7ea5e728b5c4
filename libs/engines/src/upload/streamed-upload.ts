import { Readable } from 'node:stream';

/** Bytes of the upload's start handed to `inspect` (a WAV header with its `fmt ` and `data` chunks). */
const HEAD_BYTES = 4096;

export interface StreamedUploadOptions {
  /**
   * Checks the start of the upload: once when its first bytes are in (`totalBytes` unknown), and again at
   * its end with the total; an error fails the upload.
   */
  inspect?: (head: Buffer, totalBytes?: number) => Error | undefined;
  /** Whether a source that ended was cut short (a multipart file over its size limit), with its error. */
  truncated?: () => Error | undefined;
}

/**
 * An upload that is still arriving, read by the engine call while it arrives: the client's bytes go on to
 * the engine as they come instead of after the whole file, so the engine starts receiving (and, for engines
 * that decode as they read, working) at once. The chunks are kept as received, not copied or joined, until
 * the request is over: a call that fails on one instance is replayed to another from the first byte (every
 * transcription may move, EnginePool), and that needs the bytes again. `open()` may be called any number of
 * times; each reader gets everything from the start and then follows the source live.
 */
export class StreamedUpload {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private ended = false;
  private head: Buffer | undefined;
  private error: Error | undefined;
  private readonly waiting = new Set<() => void>();
  /** Resolves once the source has ended, rejects when the upload failed. */
  readonly done: Promise<void>;
  private settle!: (error?: Error) => void;

  constructor(
    source: Readable,
    private readonly options: StreamedUploadOptions = {},
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve());
    });
    // A failed upload is the client's answer; nobody else must see it as unhandled.
    this.done.catch(() => undefined);
    source.on('data', (chunk: Buffer) => {
      if (this.error) return;
      this.chunks.push(chunk);
      this.bytes += chunk.length;
      if (!this.head && this.bytes >= HEAD_BYTES) this.inspect();
      this.wake();
    });
    source.once('end', () => {
      const cut = this.options.truncated?.();
      if (cut) return this.fail(cut);
      this.inspect(this.bytes);
      if (this.error) return;
      this.ended = true;
      this.settle();
      this.wake();
    });
    source.once('error', (error: Error) => this.fail(error));
    source.once('close', () => {
      if (!this.ended) this.fail(new Error('the upload was cut off before its end'));
    });
  }

  get size(): number {
    return this.bytes;
  }

  /** Why the upload failed, once it has. */
  get failure(): Error | undefined {
    return this.error;
  }

  /** Everything from the first byte, then the rest as it arrives; errors when the upload fails. */
  open(): Readable {
    const generate = async function* (this: StreamedUpload): AsyncGenerator<Buffer> {
      let next = 0;
      for (;;) {
        while (next < this.chunks.length) yield this.chunks[next++];
        if (this.error) throw this.error;
        if (this.ended) return;
        await new Promise<void>((resolve) => this.waiting.add(resolve));
      }
    };
    return Readable.from(generate.call(this), { objectMode: false });
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
    this.wake();
  }

  private inspect(totalBytes?: number): void {
    if (this.error) return;
    this.head ??= Buffer.concat(this.chunks).subarray(0, HEAD_BYTES);
    const problem = this.options.inspect?.(this.head, totalBytes);
    if (problem) this.fail(problem);
  }

  private wake(): void {
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const resolve of waiting) resolve();
  }
}
