import type { FieldError } from '@app/common';
import type { OrchestrationConfig } from './orchestration-config';
import { DEFAULT_SECRET_KEY } from './security.section';

/** Shorter secrets can be brute-forced offline from one signed token. */
const MIN_SECRET_KEY_LENGTH = 16;

/**
 * Settings that are tolerable on a developer's machine but not in production. They are validation errors
 * when NODE_ENV=production, so start-up stops (exit 1) naming each key. Secret values are never echoed.
 */
export function productionErrors(config: OrchestrationConfig): FieldError[] {
  if (config.orchestration.environment !== 'production') return [];
  const errors: FieldError[] = [];
  const { secretKey, adminToken } = config.security;
  if (secretKey === DEFAULT_SECRET_KEY) {
    errors.push({
      field: 'security.secretKey',
      value: DEFAULT_SECRET_KEY,
      message: 'is the built-in default; set SECRET_KEY to a unique random secret in production',
    });
  } else if (secretKey.length < MIN_SECRET_KEY_LENGTH) {
    errors.push({
      field: 'security.secretKey',
      value: '(hidden)',
      message: `must be at least ${MIN_SECRET_KEY_LENGTH} characters in production (SECRET_KEY)`,
    });
  }
  if (!adminToken || adminToken.trim() === '') {
    errors.push({
      field: 'security.adminToken',
      value: adminToken ?? '',
      message: 'must be set in production, or the admin endpoints would be open (ADMIN_TOKEN)',
    });
  }
  if (config.frontend.corsOrigins.some((origin) => origin.includes('*'))) {
    errors.push({
      field: 'frontend.corsOrigins',
      value: config.frontend.corsOrigins,
      message: "may not contain '*' in production; list the allowed origins (CORS_ORIGINS)",
    });
  }
  return errors;
}
