#!/usr/bin/env bash
# `npm test`: unit and end-to-end tests against the machine's real Postgres and Redis.
# Installs dependencies and starts Postgres/Redis first when they are missing, and builds the
# web pages (for the browser tests) when they are missing or stale.
# Extra arguments go to jest, e.g. `npm test -- test/e2e/foundation`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
bash scripts/ensure-services.sh \
  "${TEST_ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
  "${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
bash scripts/ensure-chromium.sh
# The browser tests need the built pages: build them when missing or older than their sources.
# One build at a time on this checkout (parallel `npm test` runs share web/dist).
web_stale() {
  local stamp=web/dist/admin/index.html
  [[ ! -f "$stamp" ]] || [[ -n "$(find web -path web/dist -prune -o -type f -newer "$stamp" -print -quit)" ]]
}
if web_stale; then
  exec 9>"${TMPDIR:-/tmp}/pledges-web-build-$(id -u).lock"
  command -v flock >/dev/null && flock 9
  if web_stale; then
    echo "test: building the web pages (npm run build:web)"
    npm run --silent build:web
  fi
  exec 9>&-
fi
exec node_modules/.bin/jest "$@"
