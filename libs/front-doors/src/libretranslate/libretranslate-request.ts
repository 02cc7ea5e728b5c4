import { HttpStatus } from '@nestjs/common';
import { ApiError } from '@app/common';
import { MAX_TEXT_LENGTH } from '@app/engines';

/** `POST /translate` as LibreTranslate takes it (JSON or form-urlencoded). */
export interface LibreTranslateRequest {
  q: string | string[];
  source: string;
  target: string;
  format: 'text' | 'html';
  alternatives: number;
}

/** LibreTranslate's own wording for a bad request, naming the parameter. */
export function invalidRequest(param: string, message: string): ApiError {
  return new ApiError(HttpStatus.BAD_REQUEST, 'INVALID_REQUEST', message, { param });
}

function text(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidRequest(name, `Invalid request: ${name} must be a string`);
  return value.trim();
}

/** The whole body is checked before anything is translated; the first bad parameter is named. */
export function readTranslateRequest(body: unknown): LibreTranslateRequest {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const q = fields.q;
  if (q === undefined || q === null || q === '' || (Array.isArray(q) && q.length === 0)) {
    throw invalidRequest('q', 'Invalid request: missing q parameter');
  }
  if (typeof q !== 'string' && !(Array.isArray(q) && q.every((item) => typeof item === 'string'))) {
    throw invalidRequest('q', 'Invalid request: q must be a string or an array of strings');
  }
  const source = text(fields, 'source');
  if (!source) throw invalidRequest('source', 'Invalid request: missing source parameter');
  const target = text(fields, 'target');
  if (!target) throw invalidRequest('target', 'Invalid request: missing target parameter');
  const format = text(fields, 'format') ?? 'text';
  if (format !== 'text' && format !== 'html') {
    throw invalidRequest('format', `Invalid request: format must be text or html, not "${format}"`);
  }
  const characters = (Array.isArray(q) ? q : [q]).reduce((sum, item) => sum + item.length, 0);
  if (characters > MAX_TEXT_LENGTH) {
    throw invalidRequest(
      'q',
      `Invalid request: request (${characters}) exceeds text limit (${MAX_TEXT_LENGTH})`,
    );
  }
  const alternatives = Number(fields.alternatives ?? 0);
  if (!Number.isInteger(alternatives) || alternatives < 0) {
    throw invalidRequest('alternatives', 'Invalid request: alternatives must be a whole number');
  }
  return { q, source, target, format, alternatives };
}

/** `POST /detect`: one text. */
export function readDetectRequest(body: unknown): string {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const q = text(fields, 'q');
  if (!q) throw invalidRequest('q', 'Invalid request: missing q parameter');
  return q;
}
