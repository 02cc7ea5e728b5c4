import { io, type Socket } from 'socket.io-client';
import { LatencySamples } from './latency-stats';
import type { LoadOptions } from './load-options';

export interface LoadReport {
  url: string;
  requested: number;
  connected: number;
  connectSuccessRate: number;
  connectMs: ReturnType<LatencySamples['summary']>;
  heartbeatRtt: ReturnType<LatencySamples['summary']>;
  translationRtt: ReturnType<LatencySamples['summary']>;
  messagesSent: number;
  messagesReceived: number;
  messagesPerSecond: number;
  unexpectedDisconnects: number;
  errors: Record<string, number>;
  heldSeconds: number;
}

const ACK_TIMEOUT_MS = 10_000;

/**
 * Opens the connections at the configured rate, holds them for the duration while each sends heartbeats (and
 * optionally translation_stream messages) with acknowledgements, and measures round trips from emit to ack.
 * Every timer is cleared and every socket closed before it returns.
 */
export async function runLoad(
  options: LoadOptions,
  log: (line: string) => void = () => undefined,
  /** Called at the end of the hold, while every connection is still open (the bench reads memory here). */
  beforeClose: () => Promise<void> | void = () => undefined,
): Promise<LoadReport> {
  const sockets: Socket[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const connectMs = new LatencySamples();
  const heartbeatRtt = new LatencySamples();
  const translationRtt = new LatencySamples();
  const errors: Record<string, number> = {};
  const countError = (kind: string): void => {
    errors[kind] = (errors[kind] ?? 0) + 1;
  };
  let connected = 0;
  let sent = 0;
  let received = 0;
  let unexpectedDisconnects = 0;
  let stopping = false;
  // Round trips count only while every connection is held, not while the ramp still loads the server.
  let holding = false;
  const loopback = /^https?:\/\/(127\.|localhost)/.test(options.url);

  const every = (seconds: number, action: () => void): void => {
    // A random first delay spreads the connections' messages evenly over the interval.
    const first = setTimeout(
      () => {
        timers.delete(first);
        action();
        const repeat = setInterval(action, seconds * 1000);
        timers.add(repeat);
      },
      Math.random() * seconds * 1000,
    );
    timers.add(first);
  };

  const roundTrip = (socket: Socket, event: string, payload: unknown, samples: LatencySamples): void => {
    if (stopping || !socket.connected) return;
    const started = performance.now();
    const measured = holding;
    sent += 1;
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck(event, payload)
      .then(
        (reply: { ok?: boolean; error?: { code?: string } }) => {
          received += 1;
          if (reply?.ok === false) countError(`${event}:${reply.error?.code ?? 'error'}`);
          else if (measured) samples.add(performance.now() - started);
        },
        () => {
          if (!stopping) countError(`${event}:ack_timeout`);
        },
      );
  };

  const open = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const started = performance.now();
      const socket = io(options.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 20_000,
        ...(loopback ? { localAddress: `127.0.0.${1 + (index % options.addresses)}` } : {}),
      } as Parameters<typeof io>[1]);
      sockets.push(socket);
      socket.on('error', () => {
        received += 1;
        countError('error_event');
      });
      socket.once('connect', () => {
        connected += 1;
        connectMs.add(performance.now() - started);
        every(options.heartbeat, () =>
          roundTrip(socket, 'service_message', { type: 'heartbeat' }, heartbeatRtt),
        );
        if (options.translateEvery > 0) {
          every(options.translateEvery, () =>
            roundTrip(
              socket,
              'translation_stream',
              { text: 'Hello world', target_lang: 'es' },
              translationRtt,
            ),
          );
        }
        socket.on('disconnect', (reason) => {
          if (!stopping) {
            unexpectedDisconnects += 1;
            countError(`disconnect:${reason}`);
          }
        });
        resolve();
      });
      socket.once('connect_error', (error: Error) => {
        countError(`connect_error:${error.message}`);
        socket.close();
        resolve();
      });
    });

  // Ramp: batches every 100 ms at the configured rate.
  const batch = Math.max(1, Math.round(options.rate / 10));
  const opening: Promise<void>[] = [];
  for (let index = 0; index < options.connections; index += batch) {
    for (let j = index; j < Math.min(index + batch, options.connections); j++) opening.push(open(j));
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(opening);
  log(`connected ${connected}/${options.connections}; holding for ${options.duration} s`);

  holding = true;
  const heldFrom = performance.now();
  const sentBefore = sent;
  await new Promise((r) => setTimeout(r, options.duration * 1000));
  const heldSeconds = (performance.now() - heldFrom) / 1000;
  const messagesPerSecond = (sent - sentBefore) / heldSeconds;

  await beforeClose();
  stopping = true;
  for (const timer of timers) clearTimeout(timer);
  for (const socket of sockets) socket.close();
  return {
    url: options.url,
    requested: options.connections,
    connected,
    connectSuccessRate: connected / options.connections,
    connectMs: connectMs.summary(),
    heartbeatRtt: heartbeatRtt.summary(),
    translationRtt: translationRtt.summary(),
    messagesSent: sent,
    messagesReceived: received,
    messagesPerSecond: Math.round(messagesPerSecond * 10) / 10,
    unexpectedDisconnects,
    errors,
    heldSeconds: Math.round(heldSeconds),
  };
}

export function formatReport(report: LoadReport): string {
  const rtt = (s: LoadReport['heartbeatRtt']): string =>
    s.count === 0
      ? 'no samples'
      : `p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, max ${s.max} ms (${s.count})`;
  return [
    `target               ${report.url}`,
    `connect success      ${report.connected}/${report.requested} (${(report.connectSuccessRate * 100).toFixed(2)}%)`,
    `connect time         ${rtt(report.connectMs)}`,
    `heartbeat round trip ${rtt(report.heartbeatRtt)}`,
    `translation r. trip  ${rtt(report.translationRtt)}`,
    `messages             ${report.messagesSent} sent, ${report.messagesReceived} answered, ${report.messagesPerSecond} msg/s while held (${report.heldSeconds} s)`,
    `unexpected disconn.  ${report.unexpectedDisconnects}`,
    `errors               ${Object.keys(report.errors).length === 0 ? 'none' : JSON.stringify(report.errors)}`,
  ].join('\n');
}
