import { applyDecorators, type Type } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/**
 * The error answers of a front door's route in the OpenAPI document, all in that front door's own error
 * shape (`body`), by status with what each means there. On a controller, for each of its routes.
 */
export function ApiErrorResponses(
  body: Type<unknown>,
  statuses: Record<number, string>,
): ReturnType<typeof applyDecorators> {
  return applyDecorators(
    ...Object.entries(statuses).map(([status, description]) =>
      ApiResponse({ status: Number(status), type: body, description }),
    ),
  );
}

/** What every front-door route may answer, whatever it does: the request gate's and the engines' refusals. */
export const GATE_AND_ENGINE_ERRORS = {
  401: 'no API key, where keys are configured',
  403: 'the API key is not valid',
  429: 'rate limit exceeded (Retry-After says when to come back)',
  502: 'the engine failed or answered what its contract does not allow',
  503: 'no engine instance can take the call (all down, breakers open, or every queue full)',
  504: 'the engine did not answer in time',
} as const;
