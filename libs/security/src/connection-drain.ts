import type { Server } from 'node:http';

/** How often connections that went idle during a drain are closed. */
const SWEEP_INTERVAL_MS = 100;

/**
 * During a graceful shutdown, closes each keep-alive connection as soon as its last in-flight response is
 * sent. `server.close()` closes only the connections idle at the moment it is called; one that finishes a
 * response afterwards would stay open for the keep-alive timeout and hold the shutdown up until the grace
 * period runs out. The returned function stops the sweep.
 */
export function closeConnectionsAsTheyIdle(server: Pick<Server, 'closeIdleConnections'>): () => void {
  const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_INTERVAL_MS);
  sweep.unref();
  return () => clearInterval(sweep);
}
