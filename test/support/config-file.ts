import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';

/**
 * Writes a YAML configuration for one test (for settings that have no environment variable) and returns its
 * path for CONFIG_FILE, with a function that removes it. Sections not given keep their built-in defaults.
 */
export function writeConfigFile(sections: Record<string, unknown>): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'orchestration-config-'));
  const path = join(dir, 'orchestration.yaml');
  writeFileSync(path, dump(sections));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
