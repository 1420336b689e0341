#!/usr/bin/env bash
# Operator CLI: `npm run cli -- <command>`. Runs the compiled CLI in a deployed image (no
# sources), and straight from the TypeScript sources in a checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f src/cli.ts ] && [ -d node_modules/@swc-node/register ]; then
  exec node -r @swc-node/register src/cli.ts "$@"
fi
exec node dist/src/cli.js "$@"
