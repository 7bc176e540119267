#!/usr/bin/env bash
# Make sure the system programs exist: poppler-utils (pdftotext/pdftoppm, used by the tests
# and to look at pages). PDFs are made by Typst inside Python (the `typst` package), which
# needs no system library.
# As root on Debian/Ubuntu they are installed; otherwise the exact command is printed.
#
# Optional, for the tests only: Chromium, in which tests/test_inert.py checks that no script
# in a report runs and the HTML screenshots are taken (skipped without it).
set -euo pipefail
missing=()
optional=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || optional+=(chromium)
[ ${#missing[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ] && exit 0

apt_install() {  # apt_install PACKAGE...: quiet, non-interactive
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -qq "$@" >/dev/null
}

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    apt_install "${missing[@]}"
  fi
  if [ ${#optional[@]} -gt 0 ]; then
    echo "Installing optional system packages (browser tests): ${optional[*]}"
    apt_install "${optional[@]}" \
      || echo "Could not install ${optional[*]}; the browser tests are skipped." >&2
  fi
  exit 0
fi

if [ ${#optional[@]} -gt 0 ]; then
  echo "Hint (browser tests): sudo apt-get install -y --no-install-recommends ${optional[*]}" >&2
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "pilot_eval needs these system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
