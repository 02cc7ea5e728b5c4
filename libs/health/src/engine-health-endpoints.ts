import { engineKindFacts, type ServiceName } from '@app/config';
import type { ProbeResult } from '@app/gateway';

/** What one health probe says about an instance; `unknown` is only ever the state before any probe. */
export type ProbeState = 'up' | 'degraded' | 'down';

export interface ProbeVerdict {
  state: ProbeState;
  /** Why the instance is not up; null when it is. */
  error: string | null;
}

/** Candidate health paths for an instance; a configured `health_endpoint` replaces the kind's (ENGINE_KINDS). */
export function healthEndpoints(service: ServiceName, kind: string, configured?: string): readonly string[] {
  if (configured) return [configured];
  return engineKindFacts(service, kind).healthPaths;
}

/** Statuses that mean "this path is not served here", so the next candidate path may be tried. */
export function pathNotServed(status: number): boolean {
  return status === 404 || status === 405;
}

/**
 * Reads a health answer. 2xx is up. A kind's degraded answers (whisper.cpp's 503 `{ status: 'loading model' }`:
 * alive and about to serve) are degraded rather than down. 429 (LibreTranslate's back-pressure) means the
 * engine answers but is saturated: degraded too. Anything else is down.
 */
export function classifyProbe(service: ServiceName, kind: string, result: ProbeResult): ProbeVerdict {
  if (result.status >= 200 && result.status < 300) return { state: 'up', error: null };
  const body = jsonObject(result.body);
  const degraded = engineKindFacts(service, kind).degradedAnswers?.find(
    (answer) => answer.status === result.status && body?.status === answer.bodyStatus,
  );
  if (degraded) return { state: 'degraded', error: degraded.bodyStatus };
  if (result.status === 429) return { state: 'degraded', error: 'HTTP 429 (rate limited)' };
  const detail = [body?.message, body?.error, body?.status].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  return {
    state: 'down',
    error: detail ? `HTTP ${result.status}: ${detail}` : `HTTP ${result.status}`,
  };
}

/** Health bodies are small JSON objects; anything else (HTML error pages, huge bodies) carries no detail. */
const MAX_DETAIL_BODY_BYTES = 64 * 1024;

function jsonObject(body: Buffer): Record<string, unknown> | null {
  if (body.length === 0 || body.length > MAX_DETAIL_BODY_BYTES) return null;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
