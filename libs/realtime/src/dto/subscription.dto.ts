import { IsIn } from 'class-validator';
import { SUBSCRIPTION_TOPICS, type SubscriptionTopic } from '../subscription-topics';

export class SubscriptionDto {
  @IsIn(SUBSCRIPTION_TOPICS)
  service: SubscriptionTopic;
}
