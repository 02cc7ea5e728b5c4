/** The upstream request target (path plus untouched query string), or why the path was refused. */
export type ProxyPathResult = { ok: true; target: string } | { ok: false; reason: string };

const PERCENT_ESCAPE = /%[0-9a-fA-F]{2}/;
const BROKEN_ESCAPE = /%(?![0-9a-fA-F]{2})/;
/** Double encoding (%252e) is peeled this many times; anything still encoded after that is refused. */
const MAX_DECODE_ROUNDS = 3;
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** Decodes a path segment as far as a lenient backend might, or returns undefined when it is malformed. */
function fullyDecoded(segment: string): string | undefined {
  if (BROKEN_ESCAPE.test(segment)) return undefined;
  let decoded = segment;
  for (let round = 0; round < MAX_DECODE_ROUNDS && PERCENT_ESCAPE.test(decoded); round++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      return undefined;
    }
  }
  return PERCENT_ESCAPE.test(decoded) ? undefined : decoded;
}

function segmentProblem(segment: string, index: number, last: boolean): string | undefined {
  if (segment === '') return last ? undefined : 'empty path segment (//)';
  if (segment.includes('\\')) return 'backslash in path';
  const decoded = fullyDecoded(segment);
  if (decoded === undefined) return 'malformed or nested percent-encoding';
  if (decoded === '.' || decoded === '..') return 'dot segment';
  if (/[/\\\0]/.test(decoded)) return 'encoded separator or NUL in path';
  if (index === 0 && SCHEME.test(decoded)) return 'absolute URL in path';
  return undefined;
}

/**
 * Splits a raw request URL (`/api/whisper/models?x=1`) into the target for the backend (`/models?x=1`),
 * refusing anything that could resolve outside the service's base: dot segments in any encoding, empty
 * segments (`//host`), encoded separators and absolute URLs. Checked on the raw URL, before any router or
 * URL parser could normalise the attempt away, and the path is then forwarded byte for byte.
 */
export function proxyPath(rawUrl: string, prefix: string): ProxyPathResult {
  if (!rawUrl.startsWith(prefix)) return { ok: false, reason: 'not under the service prefix' };
  const rest = rawUrl.slice(prefix.length);
  const queryStart = rest.indexOf('?');
  const path = queryStart === -1 ? rest : rest.slice(0, queryStart);
  const query = queryStart === -1 ? '' : rest.slice(queryStart);
  if (path === '') return { ok: true, target: `/${query}` };
  if (!path.startsWith('/')) return { ok: false, reason: 'not under the service prefix' };
  const segments = path.slice(1).split('/');
  for (const [index, segment] of segments.entries()) {
    const problem = segmentProblem(segment, index, index === segments.length - 1);
    if (problem) return { ok: false, reason: problem };
  }
  return { ok: true, target: path + query };
}
