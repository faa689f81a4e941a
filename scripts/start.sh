#!/usr/bin/env bash
# `npm start`: installs the project's npm dependencies when missing, then hands over to start.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/tsx ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[webops] installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
exec node_modules/.bin/tsx scripts/start.ts "$@"
