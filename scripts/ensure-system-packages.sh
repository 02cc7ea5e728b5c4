#!/usr/bin/env bash
# Installs the Debian packages the tests run for real (Redis, Apertium APY with eng-spa, Chromium, espeak-ng,
# and promtool from Debian's prometheus package, which lints /metrics),
# only those missing. Needs root for apt-get, as on CI.
set -euo pipefail
declare -A needed=(
  [redis-server]=redis-server
  [apertium-apy]=apertium-apy
  [chromium]=chromium
  [espeak-ng]=espeak-ng
  [promtool]=prometheus
)
missing=()
for command in "${!needed[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${needed[$command]}")
done
[ -f /usr/share/apertium/modes/eng-spa.mode ] || missing+=(apertium-eng-spa)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}. Install them as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" apertium-eng-spa >/dev/null
