#!/usr/bin/env bash
# `npm run migration:generate -- <Name>`: writes migrations/<timestamp>-<Name>.ts from the
#   difference between the entities and the database at DATABASE_URL (migrate it first).
# `npm run migration:check`: fails when the entities and the migrated schema differ (drift).
set -euo pipefail
cd "$(dirname "$0")/.."
# Beside `npm run dev` (not in production), its database: the one it wrote to .dev/env.
if [[ -z "${DATABASE_URL:-}" && "${NODE_ENV:-}" != production && -f .dev/env ]]; then
  DATABASE_URL="$(node -e 'process.stdout.write(require("node:util").parseEnv(require("node:fs").readFileSync(".dev/env", "utf8")).DATABASE_URL ?? "")')"
  export DATABASE_URL
fi
: "${DATABASE_URL:?must point at a migrated database: start \`npm run dev\` in another terminal, or set DATABASE_URL}"
# TypeORM's CLI with the TypeScript hook loaded, so it can require the .ts data source and entities.
typeorm=(node -r @swc-node/register node_modules/typeorm/cli.js -d src/common/database/data-source.ts)
case "${1:-}" in
  generate)
    name="${2:?usage: npm run migration:generate -- <Name>}"
    "${typeorm[@]}" migration:generate --pretty "migrations/$name" ;;
  check)
    "${typeorm[@]}" migration:generate --check --pretty migrations/Drift ;;
  *) echo "usage: migration.sh generate <Name> | check" >&2; exit 2 ;;
esac
