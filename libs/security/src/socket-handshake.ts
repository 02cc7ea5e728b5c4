import { presentedApiKey, verifyApiKey } from './api-key';

/** The parts of a Socket.IO handshake that carry credentials (socket.handshake). */
export interface HandshakeCredentials {
  auth?: Record<string, unknown>;
  headers?: Record<string, string | string[] | undefined>;
}

/** The error a refused handshake gets: clients see it as `connect_error` with `message` and `data`. */
export class HandshakeRefusedError extends Error {
  readonly data: { code: 'UNAUTHORIZED' | 'FORBIDDEN'; message: string };

  constructor(code: 'UNAUTHORIZED' | 'FORBIDDEN', message: string) {
    super(code);
    this.data = { code, message };
  }
}

/**
 * Checks the API key of a WebSocket handshake: `auth: { token }` as CONTRACTS §3 says, or the same headers
 * the REST API accepts (for non-browser clients). Returns the error to pass to `next`, or undefined.
 */
export function handshakeApiKeyError(
  handshake: HandshakeCredentials,
  apiKeys: readonly string[],
): HandshakeRefusedError | undefined {
  const token = handshake.auth?.token;
  const presented =
    typeof token === 'string' && token !== '' ? token : presentedApiKey(handshake.headers ?? {});
  const verdict = verifyApiKey(presented, apiKeys);
  if (verdict.outcome === 'missing') {
    return new HandshakeRefusedError(
      'UNAUTHORIZED',
      'This server needs an API key: connect with auth: { token }',
    );
  }
  if (verdict.outcome === 'invalid')
    return new HandshakeRefusedError('FORBIDDEN', 'The API key is not valid');
  return undefined;
}

/**
 * Socket.IO middleware for the realtime adapter: `io.use(handshakeApiKeyMiddleware(() => store.current.security.apiKeys))`.
 * The keys are read per handshake, so a reloaded configuration applies to the next connection.
 */
export function handshakeApiKeyMiddleware(
  apiKeys: () => readonly string[],
): (socket: { handshake: HandshakeCredentials }, next: (error?: Error) => void) => void {
  return (socket, next) => next(handshakeApiKeyError(socket.handshake, apiKeys()));
}
