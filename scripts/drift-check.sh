#!/usr/bin/env bash
# Drift checks: the typed clients in clients/ts must match the OpenAPI document (no database
# needed); then migrate a fresh database, and generating a migration must find nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s clients:check
admin="${TEST_ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
name="pledges_drift_$$"
url="${admin%/*}/$name"
psql "$admin" -qc "CREATE DATABASE $name"
trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"' EXIT
DATABASE_URL="$url" node -r @swc-node/register -e '
  require("./src/common/database/migrations").runPendingMigrations(process.env.DATABASE_URL)
    .then((applied) => console.log(`drift check: applied ${applied.length} migrations to a fresh database`))
    .catch((e) => { console.error(e.message); process.exit(1); });'
DATABASE_URL="$url" bash scripts/migration.sh check
echo "drift check: the entities match the migrations"
