import { startApp, type RunningApp } from './app-harness';
import { servicesUp } from './services-up';

/**
 * Two app instances sharing the test Redis, streaming to one whisper.cpp tone-speech engine with the real
 * Apertium behind them: the set-up of the live-stream tests that span instances. Resolves once each
 * instance has the engine in rotation.
 */
export async function startInstancesSharingRedis(
  engineUrl: string,
  configPath: string,
): Promise<[RunningApp, RunningApp]> {
  const env = {
    REDIS_URL: process.env.TEST_REDIS_URL,
    CONFIG_FILE: configPath,
    WHISPER_SERVICE_URL: engineUrl,
    WHISPER_SERVICE_KIND: 'whisper-cpp',
    TRANSLATION_SERVICE_URL: process.env.TEST_APERTIUM_URL,
    TRANSLATION_SERVICE_KIND: 'apertium',
    STREAM_VAD: 'energy',
    HEALTH_CHECK_INTERVAL: '1',
  };
  const apps: [RunningApp, RunningApp] = await Promise.all([startApp(env), startApp(env)]);
  await Promise.all(apps.map((app) => servicesUp(app.url, ['whisper'])));
  return apps;
}
