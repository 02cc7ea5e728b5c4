import { Global, Injectable, Module } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import {
  RESULT_PUBLISHER,
  sessionRoom,
  type ResultEventName,
  type ResultPublisher,
  type ResultTarget,
} from '@app/pipeline';
import { socketIoRedisKey } from '@app/realtime';
import { RedisConnections } from '@app/storage';

/**
 * RESULT_PUBLISHER of the separate worker process, which has no Socket.IO server: it publishes through the
 * Socket.IO Redis emitter on the channel the orchestrators' Redis adapter listens to, so every member of
 * the session's room (and the sending connection), on any orchestrator instance, gets the result once.
 */
@Injectable()
export class RedisResultPublisher implements ResultPublisher {
  private readonly emitter: Emitter;

  constructor(redis: RedisConnections) {
    this.emitter = new Emitter(redis.create('result-emitter'), { key: socketIoRedisKey(redis.keyPrefix) });
  }

  publish(target: ResultTarget, event: ResultEventName, payload: Record<string, unknown>): void {
    const rooms: string[] = [];
    if (target.sessionId) rooms.push(sessionRoom(target.sessionId));
    if (target.connectionId) rooms.push(target.connectionId);
    if (rooms.length > 0) this.emitter.to(rooms).emit(event, payload);
  }
}

@Global()
@Module({
  providers: [RedisResultPublisher, { provide: RESULT_PUBLISHER, useExisting: RedisResultPublisher }],
  exports: [RESULT_PUBLISHER],
})
export class RedisResultPublisherModule {}
