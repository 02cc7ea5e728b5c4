import { startRedis, type ExternalService } from '../support/test-services';
import { describeHeldMemory } from './held-memory-suite';

let redis: ExternalService | undefined;

describeHeldMemory('bullmq', async () => {
  redis = await startRedis('held-memory-bullmq');
  return redis.url;
});

afterAll(() => redis?.stop());
