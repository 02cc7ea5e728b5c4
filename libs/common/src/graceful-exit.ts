/** Seconds given to shutdown hooks (Redis, queues, sockets) after the grace period for in-flight work. */
const HOOKS_ALLOWANCE_SECONDS = 2;

export interface GracefulExitOptions {
  /** Seconds in-flight requests or jobs get to finish; after it (plus the hooks allowance) the process exits. */
  graceSeconds: number;
  log: { info(message: string): void };
  /** What the process does with its in-flight work, for the log line: "draining", "finishing current jobs". */
  action: string;
  /** Runs once, before the application closes. */
  beforeClose?: () => void;
}

/**
 * On SIGTERM or SIGINT: close the application (its shutdown hooks run, in-flight work finishes) and exit 0,
 * or 1 when closing fails. Whatever still hangs after the grace period is cut off by exiting anyway, so an
 * orchestrator's stop never waits on a stuck client or backend.
 */
export function exitGracefullyOnSignals(app: { close(): Promise<void> }, options: GracefulExitOptions): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    options.log.info(`${signal} received, ${options.action}`);
    setTimeout(() => process.exit(0), (options.graceSeconds + HOOKS_ALLOWANCE_SECONDS) * 1000).unref();
    options.beforeClose?.();
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`Shutdown failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
