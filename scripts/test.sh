#!/usr/bin/env bash
# `npm test`: type-check, lint, then unit, integration and browser tests in one vitest run.
# The integration and browser tests start their own PostgreSQL, Redis, web app, worker and SSH test
# hosts (test/setup/system.ts, test/hosts/) and stop them afterwards. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/vitest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
echo "== type-check"
npm run --silent typecheck
echo "== lint"
node_modules/.bin/biome check .
echo "== unit, integration and browser tests"
node_modules/.bin/vitest run "$@"
