import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@app/common';
import { ConfigStore } from '@app/config';
import { bearerToken, secretsEqual } from './constant-time';

/**
 * Guards mutating admin endpoints with ADMIN_TOKEN. Without a configured token the endpoints are open,
 * which production refuses at start-up (see the production checks), so this only happens in development.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly configStore: ConfigStore) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.configStore.current.security.adminToken;
    if (!expected) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      throw new ApiError(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED',
        'This endpoint needs "Authorization: Bearer <admin token>"',
        {},
        {
          'www-authenticate': 'Bearer realm="admin"',
        },
      );
    }
    if (!secretsEqual(token, expected)) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN', 'The admin token is not valid');
    }
    return true;
  }
}
