import type { RunningApp } from '../support/app-harness';
import { delay, runLoad } from '../support/load-loop';
import {
  startSwitchableBackend,
  type BackendAnswer,
  type SwitchableBackend,
} from '../support/switchable-backend';
import { startGatewayApp, tuneGateway } from '../gateway/gateway-harness';
import { finishedJob, pipelineConfigFile, spokenWav, submitWav } from '../pipeline/pipeline-harness';

/** GATEWAY_TIMEOUT in seconds: the longest any proxied call may take. */
const GATEWAY_TIMEOUT_S = 1;
/** The statuses a proxied call may end with when its backend fails (CONTRACTS §2, gateway codes). */
const BACKEND_ERROR_CODES = ['BACKEND_UNAVAILABLE', 'BACKEND_TIMEOUT', 'CIRCUIT_OPEN', 'BAD_GATEWAY'];

interface ServiceView {
  instances: { url: string; circuit: string }[];
}

describe('fault: a backend killed and restarted under load', () => {
  let backend: SwitchableBackend;
  let running: RunningApp;
  beforeAll(async () => {
    backend = await startSwitchableBackend();
    running = await startGatewayApp({ whisper: backend.url }, { GATEWAY_TIMEOUT: String(GATEWAY_TIMEOUT_S) });
    tuneGateway(running, { retries: 0, circuit_breaker_threshold: 3, circuit_breaker_reset_timeout: 0.5 });
  });
  afterAll(async () => {
    await running.close();
    await backend.stop();
  });

  it('never hangs past the timeout, opens the breaker while the backend is gone and closes it after', async () => {
    // The kill and the restart are timed on the load's clock, as they happened on this (busy) machine, and
    // the load runs until 2 s after the restart however long the kill and the restart took.
    const origin = performance.now();
    const at = () => performance.now() - origin;
    let faultOver: () => void = () => undefined;
    const load = runLoad({
      url: `${running.url}/api/whisper/models`,
      concurrency: 8,
      durationMs: 15_000,
      maxRequests: 5000,
      deadlineMs: GATEWAY_TIMEOUT_S * 1000 + 2000,
      origin,
      until: new Promise<void>((resolve) => (faultOver = resolve)),
    });
    await delay(800);
    const killing = at();
    await backend.stop();
    const killedAt = at();
    await delay(1500);
    const restarting = at();
    await backend.start();
    const restartedAt = at();
    await delay(2000);
    faultOver();
    const samples = await load;

    expect(samples.length).toBeGreaterThan(50);
    // Nothing hung: every request got an answer, well inside the gateway's timeout plus scheduling slack.
    expect(samples.filter((s) => s.failure)).toEqual([]);
    expect(Math.max(...samples.map((s) => s.ms))).toBeLessThan(GATEWAY_TIMEOUT_S * 1000 + 1000);
    // Only success or the documented backend errors.
    for (const sample of samples.filter((s) => s.status !== 200)) {
      expect([502, 503, 504]).toContain(sample.status);
      expect(BACKEND_ERROR_CODES).toContain(sample.code);
    }
    const before = samples.filter((s) => s.startedAt + s.ms < killing);
    const outage = samples.filter((s) => s.startedAt > killedAt + 100 && s.startedAt + s.ms < restarting);
    const tail = samples.filter((s) => s.startedAt > restartedAt + 1500);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((s) => s.status === 200)).toBe(true);
    // The breaker opened: most outage calls were refused without reaching for the dead backend.
    expect(outage.filter((s) => s.code === 'CIRCUIT_OPEN').length).toBeGreaterThan(outage.length / 2);
    // ...and closed again once the backend was back.
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.every((s) => s.status === 200)).toBe(true);
    const view = (await (await fetch(`${running.url}/api/services`)).json()) as {
      services: Record<string, ServiceView>;
    };
    expect(view.services.whisper.instances[0].circuit).toBe('closed');
  });
});

/** The platform's whisper service (CONTRACTS §5) as far as the pipeline needs it. */
function whisperAnswers(path: string): BackendAnswer {
  if (path.startsWith('/transcribe')) {
    return {
      status: 200,
      json: {
        text: 'Good morning, my friend',
        segments: [],
        language: 'en',
        confidence: 0.9,
        processing_time: 0.01,
      },
    };
  }
  return { status: 200, json: { status: 'healthy', service_status: {} } };
}

describe('fault: pipeline jobs while their backend is down', () => {
  let whisper: SwitchableBackend;
  let running: RunningApp;
  beforeAll(async () => {
    whisper = await startSwitchableBackend(whisperAnswers);
    running = await startGatewayApp(
      { whisper: whisper.url, translation: process.env.TEST_APERTIUM_URL },
      {
        TRANSLATION_SERVICE_KIND: 'apertium',
        // Failed calls take the instance out of rotation; the monitor's probe brings it back once it answers.
        HEALTH_CHECK_INTERVAL: '1',
        // Retries with backoff (100 ms doubling, 8 attempts: ~12 s) outlast the outage below.
        CONFIG_FILE: pipelineConfigFile(
          { attempts: 8, backoff_ms: 100 },
          'gateway:\n  retries: 0\n  circuit_breaker_threshold: 3\n  circuit_breaker_reset_timeout: 0.5',
        ),
      },
    );
  });
  afterAll(async () => {
    await running.close();
    await whisper.stop();
  });

  it('loses no job: those submitted during the outage complete once the backend is back', async () => {
    await whisper.stop();
    const jobIds: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const submitted = await submitWav(running.url, spokenWav(), {
        session_id: `outage-${i}`,
        language: 'en',
      });
      expect(submitted.status).toBe(202);
      jobIds.push(submitted.body.job_id);
    }
    await delay(1500);
    await whisper.start();
    for (const id of jobIds) {
      const job = (await finishedJob(running.url, id, 30_000)) as {
        state: string;
        stages: { transcription: { attempts: number } };
        result: { transcript: { text: string } };
      };
      expect(job.state).toBe('completed');
      expect(job.result.transcript.text).toBe('Good morning, my friend');
      // It did fail against the dead backend first, and was retried rather than dropped.
      expect(job.stages.transcription.attempts).toBeGreaterThan(1);
    }
  });
});
