import type { IncomingHttpHeaders } from 'node:http';
import { ENGINE_KIND_HEADER } from './proxy-kinds';

/**
 * Headers that describe one connection rather than the message (RFC 9110 §7.6.1), plus those the HTTP
 * client sets itself for the upstream connection (host, content framing) and `expect`, which undici refuses.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
]);

export type HeaderMap = Record<string, string | string[]>;

export interface ForwardedFor {
  clientIp: string;
  proto: string;
  host: string | undefined;
  requestId: string;
}

/**
 * The headers a client authenticates to the orchestrator with (API_KEYS). When the orchestrator checks
 * keys they are its own credentials and stop here; the engine gets its own configured key instead.
 */
const ORCHESTRATOR_CREDENTIAL_HEADERS = ['authorization', 'x-api-key'];

const NONE_LISTED: readonly string[] = [];

/**
 * Header names the Connection header declares hop-by-hop for this one message. A short array rather than
 * a Set: it holds one or two names (usually `keep-alive`), and nothing is allocated without the header.
 */
function connectionListed(headers: IncomingHttpHeaders | HeaderMap): readonly string[] {
  const value = headers.connection;
  if (value === undefined) return NONE_LISTED;
  const list = Array.isArray(value) ? value.join(',') : value;
  return list
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter(Boolean);
}

function endToEnd(
  headers: IncomingHttpHeaders | HeaderMap,
  alsoDropped: (name: string) => boolean = () => false,
): HeaderMap {
  const listed = connectionListed(headers);
  const kept: HeaderMap = {};
  // for...in instead of Object.entries: no [name, value] array per header on the proxy's hot path.
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed.includes(name) || alsoDropped(name)) continue;
    kept[name] = value;
  }
  return kept;
}

const isOrchestratorCredential = (name: string) => ORCHESTRATOR_CREDENTIAL_HEADERS.includes(name);
/** Headers addressed to the orchestrator itself (the kind a request is for), never to the engine. */
const isOrchestratorHeader = (name: string) => name === ENGINE_KIND_HEADER;
const isOrchestratorHeaderOrCredential = (name: string) =>
  isOrchestratorHeader(name) || isOrchestratorCredential(name);

/**
 * A backend's CORS headers (Apertium APY always sends `Access-Control-Allow-Origin: *`) would override the
 * service's own policy (CORS_ORIGINS) and let any page read proxied answers; only ours reach the client.
 */
const isCorsHeader = (name: string) => name.startsWith('access-control-');

export interface UpstreamCredentials {
  /** The client's orchestrator credentials are removed (true whenever API keys are configured). */
  dropClientCredentials: boolean;
  /** The engine's own credential headers, set over whatever the client sent. */
  engineHeaders: Record<string, string>;
}

/**
 * What the backend receives: the client's end-to-end headers less the orchestrator's credentials, the
 * engine's own credential, and where the request really came from.
 */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  forwarded: ForwardedFor,
  credentials: UpstreamCredentials = { dropClientCredentials: false, engineHeaders: {} },
): HeaderMap {
  const headers = endToEnd(
    incoming,
    credentials.dropClientCredentials ? isOrchestratorHeaderOrCredential : isOrchestratorHeader,
  );
  Object.assign(headers, credentials.engineHeaders);
  const priorFor = incoming['x-forwarded-for'];
  headers['x-forwarded-for'] = priorFor ? `${String(priorFor)}, ${forwarded.clientIp}` : forwarded.clientIp;
  headers['x-forwarded-proto'] = forwarded.proto;
  if (forwarded.host) headers['x-forwarded-host'] = forwarded.host;
  headers['x-request-id'] = forwarded.requestId;
  return headers;
}

/**
 * What the client receives of the backend's headers: framing is redone by our own server, and CORS is
 * decided by the service's own policy.
 */
export function downstreamResponseHeaders(upstream: IncomingHttpHeaders | HeaderMap): HeaderMap {
  return endToEnd(upstream, isCorsHeader);
}
