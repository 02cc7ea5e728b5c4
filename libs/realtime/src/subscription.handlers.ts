import { Injectable } from '@nestjs/common';
import { reply, type ClientContext, type EventOutcome } from './client-context';
import { SubscriptionDto } from './dto/subscription.dto';
import { validatePayload } from './payload-validation';
import { topicRoom } from './subscription-topics';

/** subscribe / unsubscribe: a topic is a room that the push feeds emit to. */
@Injectable()
export class SubscriptionHandlers {
  async subscribe({ socket, connection }: ClientContext, payload: unknown): Promise<EventOutcome> {
    const { service } = validatePayload(SubscriptionDto, payload);
    await socket.join(topicRoom(service));
    if (!connection.subscriptions.includes(service)) connection.subscriptions.push(service);
    return reply('subscribed', { service });
  }

  async unsubscribe({ socket, connection }: ClientContext, payload: unknown): Promise<EventOutcome> {
    const { service } = validatePayload(SubscriptionDto, payload);
    await socket.leave(topicRoom(service));
    connection.subscriptions = connection.subscriptions.filter((topic) => topic !== service);
    return reply('unsubscribed', { service });
  }
}
