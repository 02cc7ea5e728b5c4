import { Global, Injectable, Module } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import {
  RESULT_PUBLISHER,
  resultRooms,
  socketIoRedisKey,
  type ResultEventName,
  type ResultEvents,
  type ResultPublisher,
  type ResultTarget,
} from '@app/results';
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

  publish<E extends ResultEventName>(target: ResultTarget, event: E, payload: ResultEvents[E]): void {
    const rooms = resultRooms(target);
    if (rooms.length > 0) this.emitter.to(rooms).emit(event, payload);
  }
}

@Global()
@Module({
  providers: [RedisResultPublisher, { provide: RESULT_PUBLISHER, useExisting: RedisResultPublisher }],
  exports: [RESULT_PUBLISHER],
})
export class RedisResultPublisherModule {}
