import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisPipelineState } from '../../libs/pipeline/src/state/redis-pipeline-state';

/**
 * The finish notices that answer `transcription_stream` acknowledgements under BullMQ: the process that
 * finishes a transcription (any worker) tells the orchestrator waiting for it, through Redis.
 */
describe('RedisPipelineState finish notices (real Redis)', () => {
  const connections: Redis[] = [];
  const prefix = `finish-notices-${randomUUID()}:`;

  function connection(): Redis {
    const redis = new Redis(process.env.TEST_REDIS_URL!, { maxRetriesPerRequest: null });
    connections.push(redis);
    return redis;
  }

  /** A process's view of the state: its own command connection, and a subscriber made on demand. */
  function processState(subscriber?: (redis: Redis) => void): RedisPipelineState {
    return new RedisPipelineState(
      connection(),
      prefix,
      () => 60,
      undefined,
      () => {
        const redis = connection();
        subscriber?.(redis);
        return redis;
      },
    );
  }

  /** Resolves with the next notice the state's listeners get that matches. */
  function heard(state: RedisPipelineState, wanted: (jobId: string | undefined) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const stop = state.onFinished((jobId) => {
        if (!wanted(jobId)) return;
        stop();
        resolve();
      });
    });
  }

  afterAll(() => {
    for (const redis of connections) redis.disconnect();
  });

  it('tells a waiting process which job finished, when another process marks it', async () => {
    const waiting = processState();
    const worker = processState();
    await heard(waiting, (jobId) => jobId === undefined); // subscribed
    const notice = heard(waiting, (jobId) => jobId === 'job-1');
    await worker.markFinished('s:one', 1, 'job-1');
    await notice;
    expect(await waiting.finishedThrough('s:one')).toBe(1);
  });

  it('tells listeners to look again once its subscription is back after a dropped connection', async () => {
    let subscriber: Redis | undefined;
    const waiting = processState((redis) => (subscriber = redis));
    const worker = processState();
    await heard(waiting, (jobId) => jobId === undefined);
    const lookAgain = heard(waiting, (jobId) => jobId === undefined);
    subscriber!.disconnect(true);
    await lookAgain;
    const notice = heard(waiting, (jobId) => jobId === 'job-2');
    await worker.markFinished('s:two', 1, 'job-2');
    await notice;
  });
});
