import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { startApp } from '../support/app-harness';
import { BUILT_MAIN } from '../support/built-app';
import { freePort } from '../support/free-port';

/**
 * Docker cannot run here, so the deployment files are checked for what matters and the parts that run
 * Node (the health probe) are run for real.
 */
const ROOT = resolve(__dirname, '..', '..');
const dockerfile = readFileSync(resolve(ROOT, 'docker', 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

interface ComposeService {
  image?: string;
  user?: string;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parseYaml(readFileSync(resolve(ROOT, 'docker', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

function exitCodeOf(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done) => {
    execFile(process.execPath, args, { env, timeout: 10_000 }, (error) =>
      done(error ? Number((error as { code?: number }).code ?? 1) : 0),
    );
  });
}

describe('docker/Dockerfile', () => {
  const stages = instructions.filter((line) => line.startsWith('FROM '));
  const runtime = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]));

  it('builds in one stage and runs in another, from slim images of the current Node LTS', () => {
    expect(stages).toHaveLength(2);
    for (const from of stages) expect(from).toMatch(/^FROM node:24-[a-z]+-slim AS \w+$/);
    expect(instructions).toContain('RUN npm ci --no-audit --no-fund --ignore-scripts');
    expect(instructions.some((line) => /npm prune --omit=dev/.test(line))).toBe(true);
  });

  it('runs as a non-root user and starts the built orchestrator', () => {
    const users = runtime.filter((line) => line.startsWith('USER '));
    expect(users).toEqual(['USER node']);
    expect(runtime[runtime.length - 1]).toBe('CMD ["node", "dist/apps/orchestration/src/main.js"]');
    expect(BUILT_MAIN.endsWith('dist/apps/orchestration/src/main.js')).toBe(true);
  });

  it('ships the dashboard files where the built dashboard module looks for them', () => {
    // dist/libs/dashboard/src/public-dir.js resolves ../public: the runtime image has no libs/ to fall back to.
    expect(runtime).toContain('COPY --from=build /app/libs/dashboard/public ./dist/libs/dashboard/public');
    expect(existsSync(resolve(ROOT, 'libs', 'dashboard', 'public', 'index.html'))).toBe(true);
  });

  it('copies only files that exist, and the build context keeps them', () => {
    const ignored = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    const sources = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(resolve(ROOT, source))).toBe(true);
      expect(ignored).not.toContain(source);
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env']));
  });

  it('has a HEALTHCHECK whose Node probe passes against a live app and fails without one', async () => {
    const healthcheck = instructions.find((line) => line.startsWith('HEALTHCHECK '));
    const exec = JSON.parse(healthcheck?.slice(healthcheck.indexOf('CMD ') + 4) ?? '[]') as string[];
    expect(exec.slice(0, 2)).toEqual(['node', '-e']);
    expect(exec[2]).toContain('/api/health/live');
    const running = await startApp();
    try {
      const port = new URL(running.url).port;
      expect(await exitCodeOf(['-e', exec[2]], { PORT: port })).toBe(0);
    } finally {
      await running.close();
    }
    expect(await exitCodeOf(['-e', exec[2]], { PORT: String(await freePort()) })).toBe(1);
  });
});

describe('docker/docker-compose.yml', () => {
  it('runs the orchestrator, the pipeline worker and Redis with AOF, backends only in a profile', () => {
    const { redis, orchestration, 'pipeline-worker': worker } = compose.services;
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(redis.command?.join(' ')).toContain('--appendonly yes');
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(worker.command).toEqual(['node', 'dist/apps/pipeline-worker/src/main.js']);
    expect(worker.image).toBe(orchestration.image);
    for (const [name, service] of Object.entries(compose.services)) {
      if (!['redis', 'orchestration', 'pipeline-worker'].includes(name))
        expect(service.profiles).toEqual(['backends']);
    }
  });

  it('runs the app services as non-root, probes the orchestrator and waits for a healthy Redis', () => {
    const { orchestration, 'pipeline-worker': worker } = compose.services;
    for (const service of [orchestration, worker]) {
      expect(service.user).toBe('node');
      expect(service.depends_on?.redis.condition).toBe('service_healthy');
    }
    expect(orchestration.healthcheck?.test?.join(' ')).toContain('/api/health/live');
  });

  it('refuses to start without the production secrets and connects both apps to Redis', () => {
    const env = compose.services.orchestration.environment ?? {};
    expect(env.NODE_ENV).toBe('production');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.SECRET_KEY).toMatch(/^\$\{SECRET_KEY:\?/);
    expect(env.ADMIN_TOKEN).toMatch(/^\$\{ADMIN_TOKEN:\?/);
    expect(compose.services['pipeline-worker'].environment).toEqual(env);
  });
});
