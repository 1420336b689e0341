#!/usr/bin/env bash
# The receipt tests read PDFs back with poppler's pdftotext (a second, independent reader of
# the embedded fonts' text): installs Debian's `poppler-utils` package when it is missing (as
# root, or with sudo if it needs no password: `sudo -n` never stops to ask). Exits 1 with a
# warning when pdftotext is still missing; `npm test` goes on without it (the receipt font tests
# then fail saying pdftotext is missing).
set -euo pipefail
command -v pdftotext >/dev/null && exit 0
echo "pdftotext: installing Debian's poppler-utils for the receipt tests" >&2
apt_install() { "$@" apt-get update -qq && "$@" apt-get install -y -qq poppler-utils >/dev/null; }
if [[ $(id -u) -eq 0 ]]; then
  apt_install || true
elif command -v sudo >/dev/null; then
  apt_install sudo -n || true
fi
command -v pdftotext >/dev/null && exit 0
echo "pdftotext: missing and could not be installed (needs root, or sudo without a password):" \
  "install Debian's poppler-utils package; the receipt font tests will fail" >&2
exit 1
