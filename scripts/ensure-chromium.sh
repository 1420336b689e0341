#!/usr/bin/env bash
# The browser tests drive Debian's Chromium headless (Playwright's own browser download cannot
# work here): installs the `chromium` package when it is missing. CHROMIUM_PATH points the
# tests at another binary and skips this. Without it `npm test` goes on, and the browser tests
# fail saying Chromium is missing.
[[ -n "${CHROMIUM_PATH:-}" ]] && exit 0
exec bash "$(dirname "$0")/ensure-debian-package.sh" chromium chromium \
  'set CHROMIUM_PATH to another binary, or the browser tests will fail'
