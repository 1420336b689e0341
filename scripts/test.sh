#!/usr/bin/env bash
# `npm test`: unit and end-to-end tests against the machine's real Postgres and Redis.
# Installs dependencies and starts Postgres/Redis first when they are missing.
# Extra arguments go to jest, e.g. `npm test -- test/e2e/foundation`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
bash scripts/ensure-services.sh \
  "${TEST_ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
  "${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
exec node_modules/.bin/jest "$@"
