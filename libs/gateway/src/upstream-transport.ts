import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { Agent, errors, type Dispatcher } from 'undici';
import type { BackendInstance } from './backend-instance';
import type { HeaderMap } from './proxy-headers';
import { turnCoalescingConnector } from './turn-coalescing-connector';

export interface UpstreamRequest {
  method: string;
  /** Path and query under the instance's base URL, starting with '/'. */
  target: string;
  headers: HeaderMap;
  body?: Dispatcher.DispatchOptions['body'];
  signal: AbortSignal;
  /** Longest silence allowed between body chunks once the answer has started. */
  idleTimeoutMs: number;
}

/**
 * A backend's answer. Its body is whole when it was small enough to hold (see `send`); otherwise it streams
 * from the backend as the consumer reads, and destroying the stream aborts the backend call.
 */
export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer | Readable;
}

export interface CompleteResponse extends UpstreamResponse {
  body: Buffer;
}

/** Fails a connection attempt that the kernel neither accepts nor refuses (a black-holed address). */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * Answers of at most this many declared bytes are held and handed over whole, like nginx's proxy buffers:
 * one write to the client instead of a piped stream, and the attempt (with its timeout and retry) covers
 * the whole answer. Larger or unsized answers stream.
 */
export const HELD_BODY_BYTES = 64 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * One backend call on undici's dispatcher. An answer that is held (most of them) costs no stream and no
 * body-reading promise chain; only larger ones get a Readable. The caller's signal aborts the call at any
 * stage, including while a streamed body is still being read.
 */
class AnswerHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private abortReason: Error | null = null;
  private answer: UpstreamResponse | null = null;
  private held: Buffer[] | null = null;
  private stream: Readable | null = null;
  private finished = false;

  constructor(
    private readonly signal: AbortSignal,
    /** Hold answers up to this many declared bytes; Infinity holds every answer, sized or not. */
    private readonly holdUpTo: number,
    private readonly resolve: (answer: UpstreamResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    if (signal.aborted) this.abortReason = abortReasonOf(signal);
    else signal.addEventListener('abort', this.onAbort);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    // 1xx informational answers precede the real one.
    if (status < 200) return;
    const declared = Number(headers['content-length']);
    if (this.holdUpTo === Infinity || declared <= this.holdUpTo) {
      this.answer = { status, headers, body: EMPTY };
      this.held = [];
      return;
    }
    this.stream = new Readable({
      read: () => controller.resume(),
      destroy: (error, done) => {
        // A consumer that stops reading (the client went away) ends the backend call too.
        if (!this.finished) controller.abort(error ?? new errors.RequestAbortedError());
        done(error);
      },
    });
    this.resolve({ status, headers, body: this.stream });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.held) this.held.push(chunk);
    else if (this.stream && !this.stream.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.finish();
    if (this.held && this.answer) {
      const held = this.held;
      this.answer.body = held.length === 1 ? held[0] : Buffer.concat(held);
      this.held = null;
      this.resolve(this.answer);
    } else {
      this.stream?.push(null);
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.finish();
    this.held = null;
    if (this.stream) this.stream.destroy(error);
    else this.reject(error);
  }

  private readonly onAbort = (): void => {
    this.abortReason = abortReasonOf(this.signal);
    this.controller?.abort(this.abortReason);
  };

  private finish(): void {
    this.finished = true;
    this.signal.removeEventListener('abort', this.onAbort);
  }
}

function abortReasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new errors.RequestAbortedError();
}

/**
 * The one HTTP client to the backends: a keep-alive connection pool per origin (undici), so proxied calls
 * do not pay a TCP handshake each, whose connections send what is written in one turn as one write
 * (turn-coalescing-connector.ts). Request bodies stream; answers are held or streamed (see HELD_BODY_BYTES).
 */
@Injectable()
export class UpstreamTransport implements OnApplicationShutdown {
  private readonly agent = new Agent({
    keepAliveTimeout: 10_000,
    connect: turnCoalescingConnector({ timeout: CONNECT_TIMEOUT_MS }),
  });

  /** Resolves with the answer's headers, and its body whole when it declares at most HELD_BODY_BYTES. */
  send(instance: BackendInstance, request: UpstreamRequest): Promise<UpstreamResponse> {
    return this.dispatch(instance, request, HELD_BODY_BYTES);
  }

  /** Resolves once the whole answer has arrived. */
  read(instance: BackendInstance, request: UpstreamRequest): Promise<CompleteResponse> {
    return this.dispatch(instance, request, Infinity) as Promise<CompleteResponse>;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }

  private dispatch(
    instance: BackendInstance,
    request: UpstreamRequest,
    holdUpTo: number,
  ): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      this.agent.dispatch(
        {
          origin: instance.origin,
          path: instance.basePath + request.target,
          method: request.method,
          headers: request.headers,
          body: request.body,
          // The attempt's own timeout (a cockatiel policy) bounds the wait for headers.
          headersTimeout: 0,
          bodyTimeout: request.idleTimeoutMs,
        },
        new AnswerHandler(request.signal, holdUpTo, resolve, reject),
      );
    });
  }
}
