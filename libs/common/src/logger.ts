import type { LoggerService, LogLevel } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pino, { type Logger as PinoLogger } from 'pino';

export type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * One pino logger for the process: JSON lines on stdout, and also into `logFile` when one is configured.
 * The same instance is handed to Fastify (request logs) and wrapped for Nest, so every line has one shape.
 */
export function createPinoLogger(level: PinoLevel, logFile?: string): PinoLogger {
  // The logger's own level filters; streams accept everything it lets through.
  const streams: pino.StreamEntry[] = [
    { level: 'trace', stream: pino.destination({ dest: 1, sync: false }) },
  ];
  if (logFile) {
    const path = resolve(logFile);
    mkdirSync(dirname(path), { recursive: true });
    streams.push({ level: 'trace', stream: pino.destination({ dest: path, mkdir: true, sync: false }) });
  }
  return pino(
    { level, base: { service: 'orchestration' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.multistream(streams),
  );
}

/** Adapts pino to Nest's LoggerService so framework and module logs share the JSON format. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pinoLogger: PinoLogger) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.write('info', message, optional);
  }
  error(message: unknown, ...optional: unknown[]): void {
    this.write('error', message, optional);
  }
  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }
  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }
  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }
  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }
  setLogLevels(levels: LogLevel[]): void {
    const order: PinoLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
    const nestToPino: Record<LogLevel, PinoLevel> = {
      verbose: 'trace',
      debug: 'debug',
      log: 'info',
      warn: 'warn',
      error: 'error',
      fatal: 'fatal',
    };
    const lowest = order.find((level) => levels.some((l) => nestToPino[l] === level));
    if (lowest) this.pinoLogger.level = lowest;
  }

  /** Nest calls `logger.x(message, context)` or `logger.x(message, stack, context)`; objects become fields. */
  private write(level: Exclude<PinoLevel, 'silent'>, message: unknown, optional: unknown[]): void {
    if (!this.pinoLogger.isLevelEnabled(level)) return;
    const context =
      optional.length > 0 && typeof optional[optional.length - 1] === 'string' ? optional.pop() : undefined;
    const stack = level === 'error' && typeof optional[0] === 'string' ? optional.shift() : undefined;
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) {
      const text = typeof optional[0] === 'string' ? optional[0] : undefined;
      this.pinoLogger[level]({ context, stack, ...(message as Record<string, unknown>) }, text);
      return;
    }
    if (message instanceof Error) {
      this.pinoLogger[level]({ context, err: message }, message.message);
      return;
    }
    this.pinoLogger[level]({ context, stack }, String(message));
  }
}
