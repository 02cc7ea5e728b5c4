import { spawnSync } from 'node:child_process';
import { startApp, type RunningApp } from '../support/app-harness';
import { scrape } from '../support/prometheus-scrape';
import { connectClient, emitWithAck } from '../support/socket-client';

/** Lints an exposition with Prometheus' own checker (Debian's prometheus package; scripts/test.sh installs it). */
function promtoolCheck(exposition: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (run.error)
    throw new Error(`promtool could not run (${run.error.message}): bash scripts/ensure-system-packages.sh`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('/metrics for a real Prometheus', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp({
      TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
      TRANSLATION_SERVICE_KIND: 'apertium',
      HEALTH_CHECK_INTERVAL: '3600',
    });
  });
  afterAll(async () => {
    await running?.close();
  });

  it('has every label set known in advance at 0 before the first event, so increase() sees the first one', async () => {
    const fresh = await scrape(running.url);
    const zeroSeries: [string, Record<string, string>][] = [
      ['orchestration_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }],
      ['orchestration_http_requests_total', { method: 'POST', route: 'unmatched', status: '404' }],
      [
        'orchestration_gateway_requests_total',
        { service: 'translation', backend_instance: 'translation-0', outcome: 'success' },
      ],
      [
        'orchestration_gateway_requests_total',
        { service: 'whisper', backend_instance: 'none', outcome: 'bad_path' },
      ],
      ['orchestration_websocket_messages_total', { direction: 'in', event: 'translation_stream' }],
      ['orchestration_websocket_messages_total', { direction: 'out', event: 'translation_result' }],
      ['orchestration_websocket_rejected_total', { reason: 'origin' }],
      ['orchestration_pipeline_jobs_total', { stage: 'transcription', outcome: 'completed' }],
      ['orchestration_pipeline_jobs_total', { stage: 'translation', outcome: 'failed' }],
      ['orchestration_activity_events_total', { level: 'debug' }],
    ];
    for (const [name, labels] of zeroSeries) {
      expect({ name, labels, series: fresh.series(name, labels).length }).toEqual({
        name,
        labels,
        series: 1,
      });
      expect({ name, labels, value: fresh.value(name, labels) }).toEqual({ name, labels, value: 0 });
    }

    for (let i = 0; i < 10; i++) await fetch(`${running.url}/no-such-page-${i}`);
    const after = await scrape(running.url);
    const notFound = { method: 'GET', route: 'unmatched', status: '404' };
    expect(
      after.value('orchestration_http_requests_total', notFound) -
        fresh.value('orchestration_http_requests_total', notFound),
    ).toBe(10);
  });

  it('passes promtool check metrics after traffic of every kind', async () => {
    await fetch(`${running.url}/api/health`);
    await fetch(`${running.url}/api/translation/listPairs`);
    await fetch(`${running.url}/api/whisper/transcribe`, { method: 'POST' });
    const { socket } = await connectClient(running.url);
    try {
      await emitWithAck(socket, 'translation_stream', {
        text: 'Good morning',
        source_lang: 'en',
        target_lang: 'es',
      });
      await emitWithAck(socket, 'service_message', { type: 'heartbeat' });
    } finally {
      socket.close();
    }
    const { text } = await scrape(running.url);
    expect(text).toContain('orchestration_gateway_requests_total');
    expect(text).toContain('nodejs_active_handles_all');
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });
});
