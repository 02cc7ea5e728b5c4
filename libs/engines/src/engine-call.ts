import type { ServiceName } from '@app/config';
import type { BackendClient, BackendRequest, BackendResponse } from '@app/gateway';
import { engineFailure, jsonBody, type EngineAnswerFacts } from './engine-error';

export interface EngineAnswer<T> {
  body: T;
  response: BackendResponse;
  /** Wall time of the call as the orchestrator saw it, gateway queueing and retries included. */
  elapsedMs: number;
}

/** One call to an engine through the gateway: a non-2xx answer becomes an EngineError, a 2xx is parsed. */
export async function callEngine<T>(
  client: BackendClient,
  service: ServiceName,
  kind: string,
  request: BackendRequest,
): Promise<EngineAnswer<T>> {
  const started = performance.now();
  const response = await client.request(service, request);
  if (!response.ok) throw engineFailure(kind, response);
  return { body: jsonBody<T>(kind, response), response, elapsedMs: performance.now() - started };
}

/**
 * A question about one instance (its models or language pairs) rather than work for it: asked through the
 * gateway's probe, like a health check, so it takes no concurrency slot (a whisper.cpp instance serves one
 * call at a time), leaves the breaker's count alone and is not counted as traffic. Fails like `callEngine`.
 */
export async function askInstance<T>(
  client: BackendClient,
  service: ServiceName,
  kind: string,
  instanceId: string,
  path: string,
  headers?: Record<string, string>,
): Promise<{ body: T; answer: EngineAnswerFacts }> {
  const answer = { ...(await client.probe(service, instanceId, path, { headers })), instanceId };
  if (answer.status < 200 || answer.status >= 300) throw engineFailure(kind, answer);
  return { body: jsonBody<T>(kind, answer), answer };
}
