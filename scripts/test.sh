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
npx nest build orchestration >/dev/null
npx nest build pipeline-worker >/dev/null
echo "== tests"
npx jest --ci "$@"
