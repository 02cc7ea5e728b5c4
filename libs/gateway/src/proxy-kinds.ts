import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@app/common';
import { SERVICE_NAMES, engineKindsOf, engineRoutes, type EngineRoute, type ServiceName } from '@app/config';

/** The request header by which a client names the engine kind its proxied request is for. */
export const ENGINE_KIND_HEADER = 'x-engine-kind';

/**
 * How a proxied request chose its kinds, the `routing` label of orchestration_proxy_requests_total:
 * `path` (the kinds whose API has the path), `params` (of those, the ones whose parameters the request
 * carries), `pinned` (X-Engine-Kind), `any` (a one-kind pool and a path no kind lists: passed on as is),
 * `refused` (no kind of the pool serves it).
 */
export const PROXY_ROUTINGS = ['path', 'params', 'pinned', 'any', 'refused'] as const;
export type ProxyRouting = (typeof PROXY_ROUTINGS)[number];

interface KindRoute {
  kind: string;
  route: EngineRoute;
  segments: readonly string[];
}

/** Every kind's routes per service, from ENGINE_KINDS, split into segments once. */
const ROUTES = new Map<ServiceName, readonly KindRoute[]>(
  SERVICE_NAMES.map((service) => [
    service,
    engineKindsOf(service).flatMap((kind) =>
      engineRoutes(service, kind).map((route) => ({ kind, route, segments: route.path.split('/') })),
    ),
  ]),
);

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  return (
    pattern.length === segments.length &&
    pattern.every((part, index) => (part === '*' ? segments[index] !== '' : part === segments[index]))
  );
}

/** A decision that names the kinds a request may go to; failover stays within them. */
export interface KindsChosen {
  decided: true;
  /** undefined: every instance of the pool (a one-kind pool and a path the table does not list). */
  kinds: ReadonlySet<string> | undefined;
  routing: ProxyRouting;
  /** The route is repeatable work (ENGINE_KINDS `repeatable`) on every chosen kind. */
  repeatable: boolean;
}

/** Several kinds of the pool serve the path; the request's parameter names decide (routeByParams). */
export interface ParamsNeeded {
  decided: false;
  candidates: readonly KindRoute[];
}

export type KindDecision = KindsChosen | ParamsNeeded | { decided: true; refused: ApiError };

/** The request path without its query, as the engines' routes name it. */
export function pathOf(target: string): string {
  const queryAt = target.indexOf('?');
  return queryAt === -1 ? target : target.slice(0, queryAt);
}

function notServed(service: ServiceName, message: string, details: Record<string, unknown>): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, 'ROUTE_NOT_SERVED', `${service}: ${message}`, {
    service,
    ...details,
  });
}

const list = (names: Iterable<string>) => [...names].join(', ');

function chosen(candidates: readonly KindRoute[], routing: ProxyRouting): KindsChosen {
  return {
    decided: true,
    kinds: new Set(candidates.map((candidate) => candidate.kind)),
    routing,
    repeatable: candidates.every((candidate) => candidate.route.repeatable === true),
  };
}

/**
 * Which kinds of a pool a proxied request is for (issue #18: one kind's API is not another's). A client may
 * name the kind (X-Engine-Kind), which also reaches routes the table does not list. Otherwise the path
 * decides: the kinds of the pool whose API has it, or the parameters when several have it (`/translate`);
 * a path that only kinds outside the pool serve, or that no kind lists while the pool mixes kinds, is
 * refused naming the kinds that serve it. A one-kind pool passes unlisted paths on: engines serve more than
 * the table lists, and there is no other kind to confuse them with.
 */
export function routeByKind(
  service: ServiceName,
  poolKinds: readonly string[],
  target: string,
  pinned: string | undefined,
): KindDecision {
  const path = pathOf(target);
  const segments = path.includes('%') ? path.split('/').map(decoded) : path.split('/');
  const serving = (ROUTES.get(service) ?? []).filter((candidate) => matches(candidate.segments, segments));
  if (pinned !== undefined) {
    const known = engineKindsOf(service);
    if (!known.includes(pinned)) {
      return {
        decided: true,
        refused: new ApiError(
          HttpStatus.BAD_REQUEST,
          'BAD_ENGINE_KIND',
          `${ENGINE_KIND_HEADER}: "${pinned}" is not a ${service} engine kind (known: ${list(known)})`,
          { service, field: ENGINE_KIND_HEADER, kind: pinned, kinds: known },
        ),
      };
    }
    if (!poolKinds.includes(pinned)) {
      return {
        decided: true,
        refused: notServed(service, `no instance is of kind ${pinned} (the pool has: ${list(poolKinds)})`, {
          path,
          kind: pinned,
          pool_kinds: poolKinds,
        }),
      };
    }
    const route = serving.find((candidate) => candidate.kind === pinned);
    return {
      decided: true,
      kinds: new Set([pinned]),
      routing: 'pinned',
      repeatable: !!route?.route.repeatable,
    };
  }
  const inPool = serving.filter((candidate) => poolKinds.includes(candidate.kind));
  if (inPool.length === 0) {
    if (serving.length === 0 && poolKinds.length === 1) {
      return { decided: true, kinds: undefined, routing: 'any', repeatable: false };
    }
    const kinds = [...new Set(serving.map((candidate) => candidate.kind))];
    const message =
      kinds.length > 0
        ? `${path} is served by ${list(kinds)}; no instance is of that kind (the pool has: ${list(poolKinds)})`
        : `${path} is no route of any ${service} engine kind, and the pool mixes kinds (${list(poolKinds)}): ` +
          `name one with the ${ENGINE_KIND_HEADER} header`;
    return { decided: true, refused: notServed(service, message, { path, kinds, pool_kinds: poolKinds }) };
  }
  const kinds = new Set(inPool.map((candidate) => candidate.kind));
  if (kinds.size === 1 || inPool.every((candidate) => !candidate.route.params)) return chosen(inPool, 'path');
  return { decided: false, candidates: inPool };
}

/**
 * Of the kinds that serve a path, those whose parameters the request carries (names from the query and
 * the top level of a JSON or form body). None: refused, naming what each kind needs.
 */
export function routeByParams(
  service: ServiceName,
  target: string,
  candidates: readonly KindRoute[],
  names: ReadonlySet<string>,
): KindsChosen | { decided: true; refused: ApiError } {
  const fitting = candidates.filter((candidate) =>
    (candidate.route.params ?? []).every((name) => names.has(name)),
  );
  if (fitting.length > 0) return chosen(fitting, 'params');
  const params = Object.fromEntries(
    candidates.map((candidate) => [candidate.kind, candidate.route.params ?? []]),
  );
  const needs = candidates
    .map((candidate) => `${candidate.kind} takes ${list(candidate.route.params ?? [])}`)
    .join('; ');
  const path = pathOf(target);
  return {
    decided: true,
    refused: notServed(
      service,
      `${path} is served by several kinds and the request carries the parameters of none (${needs}); ` +
        `send them, or name the kind with the ${ENGINE_KIND_HEADER} header`,
      { path, kinds: candidates.map((candidate) => candidate.kind), params },
    ),
  };
}

/** The parameter names of a request: its query's, and the top-level names of a JSON or form body. */
export function parameterNames(
  target: string,
  body: Buffer | undefined,
  contentType: string | undefined,
): Set<string> {
  const queryAt = target.indexOf('?');
  const names = new Set(queryAt === -1 ? [] : new URLSearchParams(target.slice(queryAt + 1)).keys());
  if (!body || body.length === 0) return names;
  const type = contentType?.split(';', 1)[0].trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') {
    for (const name of new URLSearchParams(body.toString('utf8')).keys()) names.add(name);
  } else {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const name of Object.keys(parsed)) names.add(name);
      }
    } catch {
      // Not JSON: only the query's names count, and the engine answers the body in its own words.
    }
  }
  return names;
}
