/** What a client may `subscribe` to; each topic's pushes go to its own room. */
export const SUBSCRIPTION_TOPICS = [
  'whisper',
  'speaker',
  'translation',
  'health',
  'metrics',
  'connections',
  'logs',
] as const;
export type SubscriptionTopic = (typeof SUBSCRIPTION_TOPICS)[number];

/** The room that receives a topic's pushes. */
export function topicRoom(topic: SubscriptionTopic): string {
  return `topic:${topic}`;
}
