import type { ValidationError } from 'class-validator';
import type { FieldError } from './api-error';

/** Constraints about a value's type: when one fails, limits on length, range or pattern do not apply. */
const TYPE_CONSTRAINTS = new Set([
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isDateString',
  'isEnum',
]);

/**
 * The messages that tell the client what to fix: a missing value is "<name> is required", a value of the
 * wrong type gets only its type error (a length limit says nothing useful about a missing text or a number).
 */
function relevantMessages(error: ValidationError): string[] {
  const constraints = error.constraints ?? {};
  const names = Object.keys(constraints);
  if (names.length === 0) return [];
  if (error.value === undefined || error.value === null) return [`${error.property} is required`];
  const typeErrors = names.filter((name) => TYPE_CONSTRAINTS.has(name));
  return (typeErrors.length > 0 ? typeErrors : names).map((name) => constraints[name]);
}

/** Flattens class-validator's nested errors into `a.b[0].c` field paths with their relevant messages. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const isIndex = /^\d+$/.test(error.property);
    const field = parent
      ? isIndex
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`
      : error.property;
    const messages = relevantMessages(error);
    if (messages.length > 0) {
      result.push({ field, message: messages.join('; '), value: error.value as unknown });
    }
    if (error.children?.length) {
      result.push(...flattenValidationErrors(error.children, field));
    }
  }
  return result;
}
