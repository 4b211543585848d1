#!/usr/bin/env bash
# Checks the built site in a real browser: Debian's Chromium driven by playwright-core runs
# axe-core on every page kind (light and dark, desktop and 390 px), measures sideways scrolling
# at 390 and 360 px, prints the procurement pack to PDF on A4 and Letter and counts its pages,
# and keeps screenshots and PDFs in target/browser/ (not committed) for a person to look at.
#
# Chromium comes from Debian (`apt-get install chromium poppler-utils`, done here when running
# as root, as in CI); playwright-core and axe-core come from the npm registry into
# tests/browser/node_modules (package-lock.json pins them; playwright downloads no browser).
# Without Node.js, or without Chromium and no way to install it, it says so and exits 0.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP tests/browser/run.sh: node and npm are not installed; install Node.js 18 or newer"
  exit 0
fi
chrome="${CHROME_PATH:-/usr/bin/chromium}"
if [ ! -x "$chrome" ] || ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's chromium and poppler-utils (apt-get)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
  fi
fi
if [ ! -x "$chrome" ]; then
  echo "SKIP tests/browser/run.sh: no Chromium at $chrome and not root to install it; run 'apt-get install chromium poppler-utils' or set CHROME_PATH"
  exit 0
fi

echo "== installing playwright-core and axe-core (npm ci)"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

echo "== building the bundled site"
(cd "$repo" && cargo build --quiet --locked)
out="$repo/target/browser"
rm -rf "$out"
mkdir -p "$out"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
SOURCE_DATE_EPOCH=1795305600 "$repo/target/debug/trustatlas" build --root "$repo" --out "$site/public" >/dev/null

echo "== checking it in $("$chrome" --version 2>/dev/null || echo Chromium)"
CHROME_PATH="$chrome" node "$here/check.mjs" "$site/public" "$out"
