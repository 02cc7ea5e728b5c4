import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { METRIC } from './metric-names';

const ROOT = resolve(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('metric names', () => {
  it('are valid Prometheus names with the orchestration_ prefix, each once', () => {
    const names = Object.values(METRIC);
    for (const name of names) expect(name).toMatch(/^orchestration_[a-z][a-z0-9_]*$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it('are written only in metric-names.ts: producers and readers use METRIC', () => {
    const quoted = /['"`]orchestration_[a-z0-9_]+['"`]/;
    const offenders = [...sourceFiles(join(ROOT, 'libs')), ...sourceFiles(join(ROOT, 'apps'))]
      .filter((file) => !file.endsWith('metric-names.ts') && quoted.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });
});
