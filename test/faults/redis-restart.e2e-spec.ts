import { SESSION_STORE, type SessionStore } from '@app/session';
import { startApp, type RunningApp } from '../support/app-harness';
import type { FakeEngineServer } from '../support/fake-engine-server';
import { delay, runLoad } from '../support/load-loop';
import { startRedis, type ExternalService } from '../support/test-services';
import {
  finishedJob,
  pipelineConfigFile,
  spokenWav,
  startFakeWhisper,
  submitWav,
} from '../pipeline/pipeline-harness';

const REQUEST_DEADLINE_MS = 5000;

/** Kills Redis the hard way (no shutdown save): only what the append-only file already holds survives. */
async function crash(redis: ExternalService): Promise<void> {
  const exited = new Promise((resolve) => redis.process.once('exit', resolve));
  redis.process.kill('SIGKILL');
  await exited;
}

describe('fault: Redis restarted under load', () => {
  let redis: ExternalService;
  let whisper: FakeEngineServer;
  let orchestrator: RunningApp;
  let worker: RunningApp | undefined;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    redis = await startRedis('fault-redis');
    whisper = await startFakeWhisper();
    env = {
      REDIS_URL: redis.url,
      WHISPER_SERVICE_URL: whisper.url,
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
      // Counted in Redis but never reached: the limiter itself must not stall requests during the outage.
      RATE_LIMIT_API: '1000000',
      RATE_LIMIT_PROXY: '1000000',
    };
    // The orchestrator only enqueues, so the jobs wait in Redis through the restart.
    orchestrator = await startApp({
      ...env,
      CONFIG_FILE: pipelineConfigFile({ run_workers_in_process: false }),
    });
  });
  afterAll(async () => {
    await worker?.close();
    await orchestrator.close();
    await whisper.close();
    await redis.stop();
  });

  it('reconnects, and the sessions and queued jobs it held survive and resume', async () => {
    const sessions = orchestrator.app.get<SessionStore>(SESSION_STORE);
    await sessions.join('fault-session', { connectionId: 'conn-1', joinedAt: new Date().toISOString() });
    const jobIds: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const submitted = await submitWav(orchestrator.url, spokenWav(), {
        session_id: 'fault-session',
        language: 'en',
      });
      expect(submitted.status).toBe(202);
      jobIds.push(submitted.body.job_id);
    }

    // The restart is timed on the load's clock, as it happened on this (busy) machine, and the load runs
    // until 2 s after it however long the restart took.
    const origin = performance.now();
    let faultOver: () => void = () => undefined;
    const reads = runLoad({
      url: `${orchestrator.url}/api/sessions/fault-session`,
      concurrency: 4,
      durationMs: 15_000,
      maxRequests: 4000,
      deadlineMs: REQUEST_DEADLINE_MS,
      origin,
      until: new Promise<void>((resolve) => (faultOver = resolve)),
    });
    await delay(500);
    await crash(redis);
    await delay(700);
    redis = await startRedis('fault-redis', redis.port);
    const restartedAt = performance.now() - origin;
    await delay(2000);
    faultOver();
    const samples = await reads;

    // No read hung: each was answered, if late, once Redis was back; after the restart all succeed.
    expect(samples.filter((s) => s.failure)).toEqual([]);
    const tail = samples.filter((s) => s.startedAt > restartedAt + 1000);
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.every((s) => s.status === 200)).toBe(true);
    const health = (await (await fetch(`${orchestrator.url}/api/health`)).json()) as {
      checks: { redis: { status: string } };
    };
    expect(health.checks.redis.status).toBe('up');

    const session = (await (await fetch(`${orchestrator.url}/api/sessions/fault-session`)).json()) as {
      participants: { connection_id: string }[];
    };
    expect(session.participants.map((p) => p.connection_id)).toEqual(['conn-1']);
    for (const id of jobIds) {
      const job = (await (await fetch(`${orchestrator.url}/api/pipeline/jobs/${id}`)).json()) as {
        state: string;
      };
      expect(job.state).toBe('queued');
    }
    // A worker started after the restart finds the queued jobs and runs them to the end.
    worker = await startApp({ ...env, CONFIG_FILE: pipelineConfigFile({ run_workers_in_process: true }) });
    for (const id of jobIds) {
      const job = (await finishedJob(orchestrator.url, id)) as {
        state: string;
        result: { transcript: { text: string }; translations: Record<string, unknown> };
      };
      expect(job.state).toBe('completed');
      expect(job.result.transcript.text).toBe('Good morning, my friend');
      expect(job.result.translations.es).toBeDefined();
    }
  });
});
