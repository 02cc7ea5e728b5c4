import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES_DIR, cleanServiceDirs } from './test-services';

export default function globalTeardown(): void {
  try {
    const pids = JSON.parse(readFileSync(join(SERVICES_DIR, 'pids.json'), 'utf8')) as number[];
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  } finally {
    cleanServiceDirs();
  }
}
