import { frontDoorOf } from '@app/common';

/**
 * How the request gate treats a route: which rate limit applies and whether an API key is needed.
 * - proxy: backend traffic (`/api/whisper|speaker|translation/*`, `/api/pipeline/*`, and the OpenAI- and
 *   LibreTranslate-compatible front doors `/v1/*`, `/translate`, `/languages`, `/detect`): API key when
 *   configured
 * - admin: the mutating admin endpoints, whose own guard checks ADMIN_TOKEN
 * - api: every other `/api` route
 * - exempt: health probes (load balancers poll them), Prometheus, static pages and Socket.IO (which has
 *   its own connection and message limits)
 */
export type RouteClass = 'proxy' | 'admin' | 'api' | 'exempt';

const PROXY_PREFIXES = ['/api/whisper', '/api/speaker', '/api/translation', '/api/pipeline'];

function hasPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Classifies by method and path; the query string is ignored and the path compared case-sensitively. */
export function classifyRoute(method: string, url: string): RouteClass {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (frontDoorOf(path)) return 'proxy';
  if (!hasPrefix(path, '/api')) return 'exempt';
  if (hasPrefix(path, '/api/health')) return 'exempt';
  if (PROXY_PREFIXES.some((prefix) => hasPrefix(path, prefix))) return 'proxy';
  const verb = method.toUpperCase();
  if (verb === 'POST' && (path === '/api/config' || path === '/api/settings')) return 'admin';
  if (verb === 'DELETE' && /^\/api\/sessions\/[^/]+\/?$/.test(path)) return 'admin';
  return 'api';
}
