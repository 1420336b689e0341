#!/usr/bin/env bash
# `ensure-debian-package.sh <command> <package> <what fails without it>`: installs Debian's
# <package> when <command> is missing (as root, or with sudo if it needs no password: `sudo -n`
# never stops to ask). Exits 1 with a warning when <command> is still missing, so callers such
# as `npm test` can go on without it.
set -euo pipefail
command="$1" package="$2" consequence="$3"
command -v "$command" >/dev/null && exit 0
echo "$command: installing Debian's $package package" >&2
apt_install() { "$@" apt-get update -qq && "$@" apt-get install -y -qq "$package" >/dev/null; }
if [[ $(id -u) -eq 0 ]]; then
  apt_install || true
elif command -v sudo >/dev/null; then
  apt_install sudo -n || true
fi
command -v "$command" >/dev/null && exit 0
echo "$command: missing and could not be installed (needs root, or sudo without a password):" \
  "install Debian's $package package; $consequence" >&2
exit 1
