#!/usr/bin/env bash
# Make sure the system libraries exist: Pango (WeasyPrint renders PDFs with it) and
# poppler-utils (pdftotext/pdftoppm, used by the tests and to look at pages).
# As root on Debian/Ubuntu they are installed; otherwise the exact command is printed.
#
# Optional, for speed only: HarfBuzz's subsetter (libharfbuzz-subset0). With it WeasyPrint
# subsets the embedded fonts in C instead of with fontTools, about half the CPU of a PDF
# (same PDFs). It is installed when we are root; otherwise a hint is printed, never an error.
# Optional, for the tests only: Chromium, in which tests/test_inert.py checks that no script
# in a report runs (skipped without it).
set -euo pipefail
missing=()
optional=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || optional+=(libharfbuzz-subset0)
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
    echo "Installing optional system packages (faster PDFs, browser tests): ${optional[*]}"
    apt_install "${optional[@]}" \
      || echo "Could not install ${optional[*]}; reports are made without them." >&2
  fi
  exit 0
fi

if [ ${#optional[@]} -gt 0 ]; then
  echo "Hint (faster PDFs, browser tests): sudo apt-get install -y" \
       "--no-install-recommends ${optional[*]}" >&2
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "pilot_eval needs these system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
