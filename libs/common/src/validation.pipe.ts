import { ValidationPipe } from '@nestjs/common';
import { ValidationFailedError } from './api-error';
import { flattenValidationErrors } from './validation-errors';

/**
 * Unknown fields are rejected, not silently stripped: a client that misspells `target_lang` must hear about it
 * rather than get a result for the default language.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}
