import type { FieldError } from '@app/common';

/** Thrown at boot (and on reload) when configuration is invalid; the message names every bad key. */
export class ConfigValidationError extends Error {
  constructor(readonly fields: FieldError[]) {
    super(
      `Invalid configuration: ${fields
        .map((f) => `${f.field}=${JSON.stringify(f.value)}: ${f.message}`)
        .join('; ')}`,
    );
    this.name = 'ConfigValidationError';
  }
}
