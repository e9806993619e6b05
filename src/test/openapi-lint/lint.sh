#!/usr/bin/env bash
# Installs the pinned linter once (`npm ci` reads package-lock.json), then lints the given document with
# redocly.yaml; exits non-zero on any error.
set -euo pipefail
document="$(realpath "$1")"
cd "$(dirname "$0")"
if ! [ -f node_modules/@redocly/cli/bin/cli.js ] || ! [ node_modules/.package-lock.json -nt package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
node node_modules/@redocly/cli/bin/cli.js lint --config redocly.yaml --format=stylish "$document"
