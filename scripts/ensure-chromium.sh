#!/usr/bin/env bash
# The browser tests drive Debian's Chromium headless (Playwright's own browser download cannot
# work here): installs the `chromium` package when it is missing (as root, or with sudo).
# CHROMIUM_PATH points the tests at another binary and skips this.
set -euo pipefail
[[ -n "${CHROMIUM_PATH:-}" ]] && exit 0
command -v chromium >/dev/null && exit 0
echo "chromium: installing Debian's package for the browser tests" >&2
if [[ $(id -u) -eq 0 ]]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
else
  echo "chromium: missing and cannot be installed (not root, no sudo); browser tests will fail" >&2
fi
