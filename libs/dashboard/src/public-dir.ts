import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the dashboard's files are. From sources (ts-node, jest) this file is libs/dashboard/src, from a build
 * dist/libs/dashboard/src, and nest-cli.json copies the assets to dist/libs/dashboard/public: both are
 * `../public` from here. The working-directory candidates cover bundled or relocated builds.
 */
export function resolvePublicDir(cwd = process.cwd(), here = __dirname): string {
  const candidates = [
    resolve(here, '..', 'public'),
    join(cwd, 'dist', 'libs', 'dashboard', 'public'),
    join(cwd, 'libs', 'dashboard', 'public'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`Dashboard assets not found; looked in ${candidates.join(', ')}`);
  return found;
}
