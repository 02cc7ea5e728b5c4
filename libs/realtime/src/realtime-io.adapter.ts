import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { ConfigStore } from '@app/config';
import { socketIoRedisKey } from '@app/results';
import {
  handshakeApiKeyError,
  originAllowed,
  RATE_LIMITER,
  socketIoCors,
  type RateLimiter,
} from '@app/security';
import { RedisConnections } from '@app/storage';
import { clientAddress, trustFor } from './client-address';
import { RealtimeMetrics } from './realtime-metrics';
import { answerStrayUpgrades } from './stray-upgrade';

/** Room for the base64 expansion of a full-size chunk plus the event's other fields. */
const PACKET_OVERHEAD_BYTES = 64 * 1024;

type Refusal = { reason: 'max_connections' | 'origin' | 'rate_limited'; message: string };

/**
 * Socket.IO server settings from the configuration: CORS, heartbeat, packet size, the connection cap and the
 * per-IP handshake rate (both checked per handshake, before any per-connection state exists) and, with Redis,
 * the adapter that carries room broadcasts to the other instances.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private server?: Server;

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const config = this.app.get(ConfigStore).current;
    const metrics = this.app.get(RealtimeMetrics);
    const rateLimiter = this.app.get<RateLimiter>(RATE_LIMITER);
    // Same rule as the connection registry's address, so the limit counts the address the registry shows.
    const trust = trustFor(config.frontend.trustedProxies);
    const server = super.createIOServer(port, {
      ...options,
      cors: socketIoCors(config.frontend.corsOrigins),
      pingInterval: config.websocket.heartbeatInterval * 1000,
      maxHttpBufferSize: Math.ceil((config.websocket.maxChunkBytes * 4) / 3) + PACKET_OVERHEAD_BYTES,
      allowRequest: (
        request: IncomingMessage,
        callback: (error: string | null | undefined, success: boolean) => void,
      ) => {
        const refusal = this.refusal(request);
        const decided = refusal
          ? Promise.resolve(refusal)
          : this.handshakeRateRefusal(rateLimiter, clientAddress(request, trust));
        // The limiter never rejects (the Redis driver fails open), so every handshake is answered.
        void decided.then((refused) => {
          if (refused) metrics.rejection(refused.reason);
          callback(refused?.message ?? null, refused === undefined);
        });
      },
    }) as Server;
    // API_KEYS, when set, guard the handshake as they guard the REST routes; read per handshake, so a reloaded
    // configuration applies to the next connection.
    const configStore = this.app.get(ConfigStore);
    server.use((socket, next) => {
      const refused = handshakeApiKeyError(socket.handshake, configStore.current.security.apiKeys);
      if (refused) metrics.rejection('unauthorized');
      next(refused);
    });
    const redis = this.app.get(RedisConnections);
    if (redis.enabled) {
      server.adapter(
        createAdapter(redis.create('socket.io-pub'), redis.create('socket.io-sub'), {
          key: socketIoRedisKey(redis.keyPrefix),
        }),
      );
    }
    const httpServer = this.httpServer as HttpServer | undefined;
    if (httpServer) answerStrayUpgrades(httpServer, server.path());
    this.server = server;
    return server;
  }

  /** Why a handshake is refused; the message reaches the client in the 403 answer. */
  private refusal(request: IncomingMessage): Refusal | undefined {
    const config = this.app.get(ConfigStore).current;
    const max = config.websocket.maxConnections;
    if ((this.server?.engine.clientsCount ?? 0) >= max) {
      return {
        reason: 'max_connections',
        message: `Connection limit reached: this instance holds its maximum of ${max} connections (WEBSOCKET_MAX_CONNECTIONS); retry later or connect to another instance`,
      };
    }
    // Browsers send Origin on WebSocket upgrades too, and no CORS check protects those.
    const origin = request.headers.origin;
    if (!originAllowed(origin, request.headers.host, config.frontend.corsOrigins)) {
      return { reason: 'origin', message: `Origin ${origin} is not allowed (CORS_ORIGINS)` };
    }
    return undefined;
  }

  /**
   * Counts the handshake against the client's per-IP budget; with Redis the counter is shared by every
   * instance, so spreading reconnects over instances does not multiply it. Only handshakes that passed the
   * cheaper checks are counted, so a refused origin does not use up a legitimate client's budget.
   */
  private async handshakeRateRefusal(
    rateLimiter: RateLimiter,
    address: string,
  ): Promise<Refusal | undefined> {
    const { rateLimit } = this.app.get(ConfigStore).current;
    const limit = rateLimit.websocketConnections;
    if (limit === 0) return undefined;
    const decision = await rateLimiter.hit(`websocket:ip:${address}`, limit, rateLimit.windowSeconds * 1000);
    if (decision.allowed) return undefined;
    const retryAfter = Math.max(1, Math.ceil(decision.resetMs / 1000));
    return {
      reason: 'rate_limited',
      message: `Too many connections: at most ${limit} new connections per ${rateLimit.windowSeconds} s from ${address} (RATE_LIMIT_WEBSOCKET); retry in ${retryAfter} s`,
    };
  }
}
