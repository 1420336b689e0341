#!/usr/bin/env bash
# The browser tests drive Debian's Chromium headless (Playwright's own browser download cannot
# work here): installs the `chromium` package when it is missing (as root, or with sudo if it
# needs no password: `sudo -n` never stops to ask). CHROMIUM_PATH points the tests at another
# binary and skips this. Exits 1 with a warning when Chromium is still missing; `npm test` goes
# on without it (the browser tests then fail saying Chromium is missing).
set -euo pipefail
[[ -n "${CHROMIUM_PATH:-}" ]] && exit 0
command -v chromium >/dev/null && exit 0
echo "chromium: installing Debian's package for the browser tests" >&2
apt_install() { "$@" apt-get update -qq && "$@" apt-get install -y -qq chromium >/dev/null; }
if [[ $(id -u) -eq 0 ]]; then
  apt_install || true
elif command -v sudo >/dev/null; then
  apt_install sudo -n || true
fi
command -v chromium >/dev/null && exit 0
echo "chromium: missing and could not be installed (needs root, or sudo without a password):" \
  "install Debian's chromium package, or set CHROMIUM_PATH; the browser tests will fail" >&2
exit 1
