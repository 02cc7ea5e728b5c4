import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { ServiceName } from '@app/config';
import { BACKEND_CLIENT, type BackendClient, type ProbeResult } from '@app/gateway';
import { classifyProbe, pathNotServed, type ProbeState } from './engine-health-endpoints';

/** One instance to probe, with what its engine kind needs. */
export interface ProbeTarget {
  service: ServiceName;
  instanceId: string;
  kind: string;
  /** Candidate health paths, preferred first (see healthEndpoints). */
  paths: readonly string[];
}

/** The details of a backend check, in the snake_case of the health responses (a type: terminus wants an index signature). */
export type BackendCheckDetails = {
  service: ServiceName;
  state: ProbeState;
  path: string;
  /** Null when no answer came (transport error, timeout). */
  response_time_ms: number | null;
  message: string | null;
};

export type BackendCheckResult = HealthIndicatorResult<string, 'up' | 'down', BackendCheckDetails>;

/**
 * Terminus indicator for one backend instance: calls its health endpoint directly (the gateway's probe,
 * which bypasses the breaker, so a check can see an instance recover while its breaker is open) within
 * `timeoutMs`, and reports; it never throws. Degraded is `up` to terminus (the instance answers) with
 * `state: 'degraded'` in the details.
 */
@Injectable()
export class BackendHealthIndicator {
  /** Which candidate path answered last time, per instance, so fallbacks are not re-walked every check. */
  private readonly servedPath = new Map<string, string>();

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(BACKEND_CLIENT) private readonly client: BackendClient,
  ) {}

  async check(target: ProbeTarget, timeoutMs: number): Promise<BackendCheckResult> {
    const session = this.indicators.check(target.instanceId);
    const pathKey = `${target.service}/${target.instanceId}`;
    const deadline = performance.now() + timeoutMs;
    const remembered = this.servedPath.get(pathKey);
    // The path that answered last time first, then the others in case it stopped being served.
    const paths =
      remembered && target.paths.includes(remembered)
        ? [remembered, ...target.paths.filter((p) => p !== remembered)]
        : target.paths;
    let path = paths[0];
    let answer: ProbeResult | undefined;
    try {
      for (path of paths) {
        const remaining = Math.max(1, Math.round(deadline - performance.now()));
        answer = await this.client.probe(target.service, target.instanceId, path, { timeoutMs: remaining });
        if (!pathNotServed(answer.status)) break;
      }
    } catch (error) {
      return session.down(details(target, path, null, 'down', describe(error, timeoutMs)));
    }
    if (!answer) return session.down(details(target, path, null, 'down', 'no health path configured'));
    if (pathNotServed(answer.status)) this.servedPath.delete(pathKey);
    else this.servedPath.set(pathKey, path);
    const verdict = classifyProbe(target.service, target.kind, answer);
    const data = details(target, path, round(answer.durationMs), verdict.state, verdict.error);
    return verdict.state === 'down' ? session.down(data) : session.up(data);
  }

  /** Forgets what was learnt about an instance that left the configuration. */
  forget(service: ServiceName, instanceId: string): void {
    this.servedPath.delete(`${service}/${instanceId}`);
  }
}

function details(
  target: ProbeTarget,
  path: string,
  responseTimeMs: number | null,
  state: ProbeState,
  message: string | null,
): BackendCheckDetails {
  return { service: target.service, state, path, response_time_ms: responseTimeMs, message };
}

function describe(error: unknown, timeoutMs: number): string {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return message || 'probe failed';
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
