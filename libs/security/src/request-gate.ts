import { HttpStatus, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, HttpExceptionFilter } from '@app/common';
import { ConfigStore } from '@app/config';
import {
  apiKeyMayBeInBody,
  invalidApiKeyError,
  missingApiKeyError,
  presentedApiKey,
  verifyApiKey,
} from './api-key';
import { bodyLimitFor } from './body-limits';
import { RATE_LIMITER, type RateLimitDecision, type RateLimiter } from './rate-limiter';
import { classifyRoute, type RouteClass } from './route-class';

/**
 * The checks every HTTP request passes before routing, body parsing or any controller, as one Fastify
 * onRequest hook: URL length (414), declared body size (413), REST rate limits (429) and API keys on the
 * backend routes (401/403). Running before the body is read means a refused upload is not buffered first.
 */
@Injectable()
export class RequestGate implements OnModuleInit {
  private readonly errors = new HttpExceptionFilter();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly configStore: ConfigStore,
    @Inject(RATE_LIMITER) private readonly rateLimiter: RateLimiter,
  ) {}

  /** Fastify binds hooks to routes when it becomes ready, so a hook added here covers every route. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRequest', (request, reply) => this.check(request, reply));
  }

  async check(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const config = this.configStore.current;
    const url = request.raw.url ?? request.url;
    if (url.length > config.limits.maxUrlLength) {
      return this.refuse(
        request,
        reply,
        new ApiError(
          HttpStatus.URI_TOO_LONG,
          'URI_TOO_LONG',
          `The request target is longer than ${config.limits.maxUrlLength} characters`,
        ),
      );
    }
    const declared = Number(request.headers['content-length']);
    const bodyLimit = bodyLimitFor(url, config);
    if (Number.isFinite(declared) && declared > bodyLimit) {
      return this.refuse(
        request,
        reply,
        new ApiError(
          HttpStatus.PAYLOAD_TOO_LARGE,
          'PAYLOAD_TOO_LARGE',
          `The body is larger than ${bodyLimit} bytes`,
          {
            limit_bytes: bodyLimit,
          },
        ),
      );
    }
    const routeClass = classifyRoute(request.method, url);
    if (routeClass === 'exempt') return this.notFound(request, reply);

    const verdict =
      routeClass === 'proxy'
        ? verifyApiKey(presentedApiKey(request.headers, url), config.security.apiKeys)
        : ({ outcome: 'open' } as const);
    // Failed key attempts count against the address, so guessing keys is rate limited too.
    const client = verdict.outcome === 'accepted' ? `key:${verdict.keyId}` : `ip:${request.ip}`;
    const decision = await this.countRequest(routeClass, client);
    if (decision) {
      void reply.headers(rateLimitHeaders(decision));
      if (!decision.allowed) {
        const retryAfter = String(Math.max(1, Math.ceil(decision.resetMs / 1000)));
        return this.refuse(
          request,
          reply,
          new ApiError(
            HttpStatus.TOO_MANY_REQUESTS,
            'RATE_LIMITED',
            `Too many requests: at most ${decision.limit} per ${config.rateLimit.windowSeconds} s for ${routeClass} routes`,
            { retry_after_seconds: Number(retryAfter) },
            { 'retry-after': retryAfter },
          ),
        );
      }
    }
    // LibreTranslate's clients send `api_key` in the body, which is not read yet: BodyApiKeyGuard checks it.
    if (verdict.outcome === 'missing' && !apiKeyMayBeInBody(request.method, url)) {
      return this.refuse(request, reply, missingApiKeyError(url));
    }
    if (verdict.outcome === 'invalid') return this.refuse(request, reply, invalidApiKeyError());
    return this.notFound(request, reply);
  }

  /**
   * A request for no route is answered 404 here, before its body is parsed: otherwise an empty or broken
   * JSON body on an unknown route would be answered 400 by the body parser, as if the route existed.
   */
  private notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    if (!request.is404) return undefined;
    return this.refuse(
      request,
      reply,
      new ApiError(HttpStatus.NOT_FOUND, 'NOT_FOUND', `Cannot ${request.method} ${request.url}`),
    );
  }

  private async countRequest(
    routeClass: Exclude<RouteClass, 'exempt'>,
    client: string,
  ): Promise<RateLimitDecision | undefined> {
    const { rateLimit } = this.configStore.current;
    const limit = rateLimit[routeClass];
    if (limit === 0) return undefined;
    return this.rateLimiter.hit(`${routeClass}:${client}`, limit, rateLimit.windowSeconds * 1000);
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
    const { status, body, headers } = this.errors.respond(error, String(request.id), request.url);
    // The body is not read; closing the connection stops a client from streaming it anyway.
    if (error.status === HttpStatus.PAYLOAD_TOO_LARGE) void reply.header('connection', 'close');
    return reply
      .code(status)
      .headers(headers)
      .header('content-type', 'application/json; charset=utf-8')
      .send(body);
  }
}

function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(Math.ceil(decision.resetMs / 1000)),
  };
}
