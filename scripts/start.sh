#!/usr/bin/env bash
# Starts the orchestration service on a fresh machine: installs dependencies and builds when needed.
# Arguments go to the service (`--debug` is LOG_LEVEL=debug).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ ! -f dist/apps/orchestration/src/main.js ] || [ -n "$(find apps libs -newer dist/apps/orchestration/src/main.js -type f -print -quit)" ]; then
  npx nest build orchestration
fi
exec node dist/apps/orchestration/src/main.js "$@"
