import { startRedis, type ExternalService } from '../support/test-services';
import { describePipelineBehaviour } from './pipeline-suite';

let redis: ExternalService | undefined;

describePipelineBehaviour('bullmq', async () => {
  redis = await startRedis('pipeline-bullmq');
  return redis.url;
});

afterAll(() => redis?.stop());
