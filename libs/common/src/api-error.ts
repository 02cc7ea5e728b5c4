import { HttpStatus } from '@nestjs/common';

/** The body of every error answer of the orchestrator's own API. */
export interface ErrorBody {
  error: { code: string; message: string; request_id: string; [detail: string]: unknown };
}

/**
 * The one error type that modules throw when a request must fail with a specific code.
 * The exception filter turns it into `{ error: { code, message, request_id, ...details } }`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One offending field of a rejected input, as reported to clients. */
export interface FieldError {
  field: string;
  message: string;
  value?: unknown;
}

export class ValidationFailedError extends ApiError {
  constructor(
    readonly fields: FieldError[],
    message = `Invalid input: ${fields.map((f) => f.field).join(', ')}`,
  ) {
    super(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', message, { fields });
  }
}
