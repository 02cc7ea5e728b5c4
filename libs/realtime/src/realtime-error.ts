import { ApiError, type FieldError } from '@app/common';
import type { WireError } from '@app/results';

/** A failed client event; becomes the `error` event and the `{ ok: false, error }` acknowledgement. */
export class RealtimeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RealtimeError';
  }

  static invalid(fields: FieldError[]): RealtimeError {
    // class-validator's messages already start with the field's name ("text is required").
    const described = fields.map((f) =>
      f.message.startsWith(f.field) ? f.message : `${f.field}: ${f.message}`,
    );
    const message = `Invalid payload: ${described.join('; ')}`;
    return new RealtimeError('INVALID_PAYLOAD', message, {
      fields: fields.map(({ field, message: reason }) => ({ field, message: reason })),
    });
  }
}

/**
 * The wire form of any failure. ApiErrors (from the gateway client, the engines and the pipeline's admission)
 * keep their code and details, so a client sees CIRCUIT_OPEN or BACKEND_UNAVAILABLE as a REST caller would; anything else is an internal error
 * whose details stay in the log.
 */
export function toWireError(error: unknown, event: string, requestId?: string): WireError {
  const base = requestId === undefined ? { event } : { event, request_id: requestId };
  if (error instanceof RealtimeError) {
    return { code: error.code, message: error.message, ...base, ...error.details };
  }
  if (error instanceof ApiError) {
    // Details are client-facing (e.g. retry_after_seconds of a 503), as in the REST error body.
    return { code: error.code, message: error.message, ...base, ...error.details };
  }
  return { code: 'INTERNAL_ERROR', message: 'The event could not be processed', ...base };
}
