import { Global, Module } from '@nestjs/common';
import { RESULT_PUBLISHER } from '@app/results';
import { ConnectionRegistry } from './connection-registry';
import { ConnectionsController } from './connections.controller';
import { RealtimeMetrics } from './realtime-metrics';
import { RealtimeGateway } from './realtime.gateway';
import { ServiceMessageHandlers } from './service-message.handlers';
import { ServiceRequests } from './service-requests';
import { SocketResultPublisher } from './socket-result-publisher';
import { StreamHandlers } from './stream.handlers';
import { SubscriptionFeeds } from './subscription-feeds';
import { SubscriptionHandlers } from './subscription.handlers';

/**
 * The Socket.IO gateway with its handlers, the connection registry and the pushes. Global because it provides
 * RESULT_PUBLISHER, through which the pipeline sends results to clients.
 */
@Global()
@Module({
  controllers: [ConnectionsController],
  providers: [
    ConnectionRegistry,
    RealtimeMetrics,
    RealtimeGateway,
    SubscriptionHandlers,
    ServiceRequests,
    ServiceMessageHandlers,
    StreamHandlers,
    SubscriptionFeeds,
    SocketResultPublisher,
    { provide: RESULT_PUBLISHER, useExisting: SocketResultPublisher },
  ],
  exports: [RESULT_PUBLISHER, ConnectionRegistry, RealtimeGateway],
})
export class RealtimeModule {}
