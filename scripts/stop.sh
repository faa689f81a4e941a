#!/usr/bin/env bash
# `npm stop`: stops what `npm start` started. Nothing to stop without dependencies installed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/tsx ] || { echo "[webops] nothing to stop"; exit 0; }
exec node_modules/.bin/tsx scripts/stop.ts "$@"
