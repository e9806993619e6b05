#!/usr/bin/env bash
# Installs the pinned SES emulator once; `npm ci` reads package-lock.json, so nothing floats.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f node_modules/aws-ses-v2-local/dist/cli.js ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
