import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startApp, type RunningApp } from '../support/app-harness';
import { scrape } from '../support/prometheus-scrape';

interface Panel {
  type: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(
  readFileSync(resolve(__dirname, '..', '..', 'docker', 'grafana', 'orchestration-dashboard.json'), 'utf8'),
) as { panels: Panel[] };

/** Metric names in a PromQL expression: identifiers followed by a selector or a range. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/([a-z_][a-z0-9_]*)\{/g)].map((match) => match[1].replace(/_bucket$/, ''));
}

describe('Grafana dashboard', () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.close());

  it('queries only metrics that /metrics exposes', async () => {
    const exposed = new Set((await scrape(running.url)).families.map((family) => family.name));
    const queried = new Set(
      dashboard.panels.flatMap((panel) =>
        (panel.targets ?? []).flatMap((target) => metricNames(target.expr)),
      ),
    );
    expect(queried.size).toBeGreaterThan(15);
    expect([...queried].filter((name) => !exposed.has(name))).toEqual([]);
  });
});
