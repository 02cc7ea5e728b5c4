import type { ServiceName } from '@app/config';
import type { BackendClient, BackendRequest, BackendResponse } from '@app/gateway';
import { engineFailure, jsonBody } from './engine-error';

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
