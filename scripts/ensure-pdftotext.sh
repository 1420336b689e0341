#!/usr/bin/env bash
# The receipt tests read PDFs back with poppler's pdftotext (a second, independent reader of
# the embedded fonts' text): installs Debian's `poppler-utils` when it is missing. Without it
# `npm test` goes on, and the receipt font tests fail saying pdftotext is missing.
exec bash "$(dirname "$0")/ensure-debian-package.sh" pdftotext poppler-utils \
  'the receipt font tests will fail'
