import { NotFoundException } from '@nestjs/common';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePublicDir } from './public-dir';
import { StaticAssets } from './static-assets';

describe('StaticAssets', () => {
  let root: string;
  let assets: StaticAssets;

  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'dashboard-assets-'));
    root = join(base, 'public');
    mkdirSync(join(root, 'js'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(root, 'js', 'main.js'), 'export {};');
    writeFileSync(join(root, 'notes.txt'), 'not a served type');
    writeFileSync(join(base, 'secret.js'), 'outside the root');
    assets = new StaticAssets(root);
  });

  afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('serves a module with its content type, revalidation caching and an etag', async () => {
    const file = await assets.read('js/main.js');
    expect(file.body.toString()).toBe('export {};');
    expect(file.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(file.headers['cache-control']).toBe('no-cache');
    expect(file.headers.etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(file.headers['content-security-policy']).toBeUndefined();
  });

  it('sends pages with a same-origin content security policy', async () => {
    const file = await assets.read('index.html');
    expect(file.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(file.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('answers not modified when the client already has this version', async () => {
    const { headers } = await assets.read('js/main.js');
    const again = await assets.read('js/main.js', `"other", ${headers.etag}`);
    expect(again.notModified).toBe(true);
    expect(again.body.length).toBe(0);
  });

  it.each(['../secret.js', 'js/../../secret.js', 'notes.txt', 'missing.js', 'js'])(
    'refuses %s',
    async (path) => {
      await expect(assets.read(path)).rejects.toBeInstanceOf(NotFoundException);
    },
  );
});

describe('resolvePublicDir', () => {
  it('finds the sources next to libs/dashboard/src', () => {
    expect(resolvePublicDir('/nowhere', __dirname)).toBe(join(__dirname, '..', 'public'));
  });

  it('finds the copied assets of a build from the working directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dashboard-cwd-'));
    const built = join(cwd, 'dist', 'libs', 'dashboard', 'public');
    mkdirSync(built, { recursive: true });
    writeFileSync(join(built, 'index.html'), '');
    try {
      expect(resolvePublicDir(cwd, join(cwd, 'elsewhere'))).toBe(built);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('says where it looked when there are no assets', () => {
    expect(() => resolvePublicDir('/nowhere', '/nowhere/src')).toThrow(
      /Dashboard assets not found; looked in/,
    );
  });
});
