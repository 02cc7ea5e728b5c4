import type { IncomingHttpHeaders } from 'node:http';

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

/** Header names the Connection header declares hop-by-hop for this one message. */
function connectionListed(headers: IncomingHttpHeaders | HeaderMap): Set<string> {
  const value = headers.connection;
  const list = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    list
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

function endToEnd(headers: IncomingHttpHeaders | HeaderMap): HeaderMap {
  const listed = connectionListed(headers);
  const kept: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}

/** What the backend receives: the client's end-to-end headers plus where the request really came from. */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, forwarded: ForwardedFor): HeaderMap {
  const headers = endToEnd(incoming);
  const priorFor = incoming['x-forwarded-for'];
  headers['x-forwarded-for'] = priorFor ? `${String(priorFor)}, ${forwarded.clientIp}` : forwarded.clientIp;
  headers['x-forwarded-proto'] = forwarded.proto;
  if (forwarded.host) headers['x-forwarded-host'] = forwarded.host;
  headers['x-request-id'] = forwarded.requestId;
  return headers;
}

/** What the client receives of the backend's headers; framing is redone by our own server. */
export function downstreamResponseHeaders(upstream: IncomingHttpHeaders | HeaderMap): HeaderMap {
  return endToEnd(upstream);
}
