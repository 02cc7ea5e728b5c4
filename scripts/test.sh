#!/usr/bin/env bash
# The whole test suite on a fresh machine: dependencies, system packages, lint, type check, then jest
# (unit, e2e and browser tests). Jest's global setup starts Redis and Apertium on loopback and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/ensure-system-packages.sh
echo "== lint"
npx eslint .
npx prettier --check . --log-level warn
echo "== type check"
npx tsc --noEmit -p tsconfig.json
echo "== build"
# One build compiles both apps (tsconfig.build.json covers apps/ and libs/) and copies the dashboard assets.
npm run build --silent >/dev/null
for built in dist/apps/orchestration/src/main.js dist/apps/pipeline-worker/src/main.js dist/libs/dashboard/public/index.html; do
  [ -f "$built" ] || { echo "build did not produce $built" >&2; exit 1; }
done
echo "== tests"
npx jest --ci "$@"
