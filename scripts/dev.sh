#!/usr/bin/env bash
# `npm run dev`: the whole backend on this machine, nothing to configure.
# Installs dependencies the first time, builds, then hands over to the orchestrator
# (scripts/dev.ts, compiled to dist/scripts/dev.js), which starts Postgres/Redis if needed,
# the Stripe stand-in and the mail catcher, migrates, seeds, and runs the API and the worker.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if ((major < 20)); then
  echo "dev: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

if [[ ! -d node_modules ]]; then
  echo "dev: installing dependencies (npm ci)"
  npm ci
fi

echo "dev: building (npm run build)"
npm run --silent build

# exec: Ctrl-C and SIGTERM go straight to the orchestrator, which stops what it started.
exec node dist/scripts/dev.js "$@"
