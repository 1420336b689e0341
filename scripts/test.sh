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
# Without Chromium the other tests still run; the browser tests then fail saying it is missing.
bash scripts/ensure-chromium.sh ||
  echo "test: WARNING: Chromium is missing: the browser tests will fail (see above)" >&2
bash scripts/ensure-pdftotext.sh || echo "test: WARNING: pdftotext is missing: the receipt font tests will fail" >&2
# Swaps two directories in one step (renameat2 with RENAME_EXCHANGE, which coreutils' mv
# cannot do before 9.5), so that readers of web/dist find the old build or the new one, never
# neither. Fails where that is unavailable (no python3, an old kernel or C library).
exchange() {
  command -v python3 >/dev/null && python3 - "$1" "$2" 2>/dev/null <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
a, b = (os.fsencode(p) for p in sys.argv[1:3])
sys.exit(libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0)
PY
}
# The browser tests need the built pages: build them when missing or older than their sources.
# One build at a time on this checkout (parallel `npm test` runs share web/dist). Another run
# may be serving web/dist meanwhile: the pages are built into a directory of their own and
# swapped into place, so web/dist never holds a half-written build (Vite would empty it first).
web_stale() {
  local stamp=web/dist/admin/index.html
  [[ ! -f "$stamp" ]] ||
    [[ -n "$(find web -path web/dist -prune -o -path 'web/.dist-*' -prune -o -type f -newer "$stamp" -print -quit)" ]]
}
if web_stale; then
  exec 9>"${TMPDIR:-/tmp}/pledges-web-build-$(id -u).lock"
  command -v flock >/dev/null && flock 9
  if web_stale; then
    echo "test: building the web pages (npm run build:web)"
    # Beside web/dist, so that the renames stay on one file system.
    build="$(mktemp -d web/.dist-build.XXXXXX)"
    old="web/.dist-old.$$"
    trap 'rm -rf "$build" "$old"' EXIT
    npm run --silent build:web -- --outDir "$PWD/$build"
    chmod 755 "$build"
    if [[ -d web/dist ]] && exchange "$build" web/dist; then
      rm -rf "$build" # the old build, now
    else
      # The first build, or no exchange here: two renames, a moment apart.
      if [[ -d web/dist ]]; then mv -T web/dist "$old"; fi
      mv -T "$build" web/dist
      rm -rf "$old"
    fi
    trap - EXIT
  fi
  exec 9>&-
fi
# Two test files at a time (TEST_WORKERS to change; a -w/--maxWorkers/-i/--runInBand given
# wins): most of a file's time is spent waiting on Postgres, Redis, the stand-in or a spawned
# process, so two at once on two cores take about 60% of the time of one after the other.
workers=(--maxWorkers="${TEST_WORKERS:-2}")
for arg in "$@"; do
  case "$arg" in -w | -w=* | --maxWorkers | --maxWorkers=* | -i | --runInBand) workers=() ;; esac
done
exec node_modules/.bin/jest "${workers[@]}" "$@"
