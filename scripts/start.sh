#!/usr/bin/env bash
# Starts a process of the service on a fresh machine: installs dependencies and builds when needed.
#   scripts/start.sh [orchestration|pipeline-worker] [args...]   (default: orchestration)
# Arguments go to the process (`--debug` is LOG_LEVEL=debug). One build compiles both apps and every lib.
set -euo pipefail
cd "$(dirname "$0")/.."
app=orchestration
if [ "${1:-}" = orchestration ] || [ "${1:-}" = pipeline-worker ]; then
  app=$1
  shift
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
main=dist/apps/$app/src/main.js
if [ ! -f "$main" ] || [ -n "$(find apps libs config -newer "$main" -type f -print -quit)" ]; then
  npm run build
fi
exec node "$main" "$@"
