import type { IncomingMessage } from 'node:http';

/** Headers a browser client may send across origins: X-Engine-Kind names a proxied request's engine kind. */
const ALLOWED_HEADERS = ['Content-Type', 'Authorization', 'X-API-Key', 'X-Request-Id', 'X-Engine-Kind'];
/** Headers a browser client may read across origins. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
];

export interface HttpCorsOptions {
  origin: true | string[];
  methods: string[];
  allowedHeaders: string[];
  exposedHeaders: string[];
  maxAge: number;
}

/**
 * Options for `app.enableCors()`, or undefined when no origin is configured: then no CORS headers are sent
 * and browsers keep to the same origin. `*` (refused in production) allows any origin. No credentials are
 * allowed: the API authenticates with headers, not cookies.
 */
export function httpCorsOptions(origins: readonly string[]): HttpCorsOptions | undefined {
  if (origins.length === 0) return undefined;
  return {
    origin: origins.includes('*') ? true : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  };
}

/**
 * Whether a browser at `origin` may talk to this server, reached as `host`. No Origin header means a
 * non-browser client, which CORS does not concern.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * For the realtime adapter's Socket.IO server: `cors` covers the polling transport, but a WebSocket upgrade
 * is not subject to CORS in browsers, so `allowRequest` checks the Origin of every handshake request too.
 *   new Server(http, { cors: socketIoCors(origins), allowRequest: socketIoAllowRequest(() => origins) })
 */
export function socketIoCors(
  origins: readonly string[],
): { origin: true | string[]; methods: string[] } | undefined {
  const options = httpCorsOptions(origins);
  return options && { origin: options.origin, methods: ['GET', 'POST'] };
}

export function socketIoAllowRequest(
  origins: () => readonly string[],
): (
  request: IncomingMessage,
  callback: (error: string | null | undefined, success: boolean) => void,
) => void {
  return (request, callback) => {
    const allowed = originAllowed(request.headers.origin, request.headers.host, origins());
    callback(allowed ? null : 'Origin not allowed', allowed);
  };
}
