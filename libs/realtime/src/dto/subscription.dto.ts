import { IsIn } from 'class-validator';
import { SUBSCRIPTION_TOPICS, type SubscriptionTopic } from '../realtime.events';

export class SubscriptionDto {
  @IsIn(SUBSCRIPTION_TOPICS)
  service: SubscriptionTopic;
}
