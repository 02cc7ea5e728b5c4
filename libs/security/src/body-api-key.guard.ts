import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ConfigStore } from '@app/config';
import { invalidApiKeyError, missingApiKeyError, presentedApiKey, verifyApiKey } from './api-key';

/**
 * The API key of a LibreTranslate-style request that carries it as `api_key` in its JSON or form body. The
 * request gate runs before the body is read, so it lets such a POST through without a key and this guard,
 * which runs after body parsing, decides. A key in a header or the query was already checked by the gate.
 */
@Injectable()
export class BodyApiKeyGuard implements CanActivate {
  constructor(private readonly configStore: ConfigStore) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const keys = this.configStore.current.security.apiKeys;
    if (keys.length === 0 || presentedApiKey(request.headers, request.url)) return true;
    const given = (request.body as { api_key?: unknown } | undefined)?.api_key;
    const verdict = verifyApiKey(typeof given === 'string' && given !== '' ? given : undefined, keys);
    if (verdict.outcome === 'missing') throw missingApiKeyError(request.url);
    if (verdict.outcome === 'invalid') throw invalidApiKeyError();
    return true;
  }
}
