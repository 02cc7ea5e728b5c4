import type { ValidationError } from 'class-validator';
import type { FieldError } from './api-error';

/** Flattens class-validator's nested errors into `a.b[0].c` field paths with their first message. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const isIndex = /^\d+$/.test(error.property);
    const field = parent
      ? isIndex
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`
      : error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) {
      result.push({ field, message: messages.join('; '), value: error.value as unknown });
    }
    if (error.children?.length) {
      result.push(...flattenValidationErrors(error.children, field));
    }
  }
  return result;
}
