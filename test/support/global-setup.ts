import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES_DIR, cleanServiceDirs, startApertium, startRedis } from './test-services';

/**
 * Starts the real Redis and Apertium servers once for the whole run. Their URLs reach the test files through
 * the environment (workers are started after this) as TEST_REDIS_URL and TEST_APERTIUM_URL, and their pids
 * are written down for the teardown.
 */
export default async function globalSetup(): Promise<void> {
  process.env.TEST_SERVICES_DIR = SERVICES_DIR;
  cleanServiceDirs();
  mkdirSync(SERVICES_DIR, { recursive: true });
  const [redis, apertium] = await Promise.all([startRedis('shared'), startApertium()]);
  process.env.TEST_REDIS_URL = redis.url;
  process.env.TEST_APERTIUM_URL = apertium.url;
  writeFileSync(
    join(SERVICES_DIR, 'pids.json'),
    JSON.stringify([redis.process.pid, apertium.process.pid].filter((pid) => pid !== undefined)),
  );
}
