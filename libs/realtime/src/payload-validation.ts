import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '@app/common';
import { RealtimeError } from './realtime-error';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/**
 * Validates one event payload into its DTO. Unknown fields are dropped rather than refused: clients of the
 * original service send extras (timestamps, client names) that must not break them.
 */
export function validatePayload<T extends object>(dto: ClassConstructor<T>, payload: unknown): T {
  if (!isPlainObject(payload)) {
    throw new RealtimeError('INVALID_PAYLOAD', 'The payload must be a JSON object');
  }
  const instance = plainToInstance(dto, payload);
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw RealtimeError.invalid(flattenValidationErrors(errors));
  return instance;
}
