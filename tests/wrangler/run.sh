#!/usr/bin/env bash
# Checks the built output with Cloudflare's own Pages asset server (`wrangler pages dev`, run
# locally and offline) instead of our reading of its docs: the security headers on a page,
# immutable caching on a fingerprinted asset and revalidation on HTML, a 301 from an alias,
# a tombstone, a 404 with status 404, `/vendor/x` -> 308 `/vendor/x/`, and the addresses of
# the OWASP LLM Top 10 2025 entries after the 2026 edition took the framework's address.
#
# It builds two sites: the bundled registry and tests/fixtures/publish (a made-up registry
# with an alias, a renamed report, a removed vendor and publisher rules in static/). Then it
# serves each case of tests/pages_rules/ and compares the rules wrangler keeps with ours. It needs
# Node.js and npm; without them it says so and exits 0. wrangler is installed from the npm
# registry into tests/wrangler/node_modules (package-lock.json pins every package); nothing
# else is fetched (NODE_ENV=test keeps wrangler off the network).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP tests/wrangler/run.sh: node and npm are not installed; install Node.js 18 or newer to run Cloudflare's asset server"
  exit 0
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "SKIP tests/wrangler/run.sh: Node.js $(node --version) is too old for wrangler 3.114.0 (needs 18 or newer)"
  exit 0
fi

echo "== installing wrangler 3.114.0 (npm ci)"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
wrangler="$here/node_modules/.bin/wrangler"

echo "== building the sites"
(cd "$repo" && cargo build --quiet --locked)
bin="$repo/target/debug/trustatlas"
tmp="$(mktemp -d)"
pgid=""
cleanup() {
  if [ -n "$pgid" ]; then kill -- "-$pgid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
export SOURCE_DATE_EPOCH=1795305600
"$bin" build --root "$repo" --out "$tmp/bundled" >/dev/null 2>&1
mkdir -p "$tmp/fixture-src"
cp -R "$repo/tests/fixtures/publish/." "$tmp/fixture-src/"
cp -R "$repo/themes" "$tmp/fixture-src/"
"$bin" build --root "$tmp/fixture-src" --out "$tmp/fixture" >/dev/null 2>&1

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Starts wrangler on $1 in its own process group (it runs workerd as a child) and waits
# until it answers.
serve() {
  port="$(free_port)"
  inspector="$(free_port)"
  base="http://127.0.0.1:$port"
  (cd "$tmp" && NODE_ENV=test WRANGLER_SEND_METRICS=false exec setsid "$wrangler" pages dev "$1" \
      --ip 127.0.0.1 --port "$port" --inspector-port "$inspector" \
      --compatibility-date 2025-02-24 --persist-to "$tmp/state" \
      --show-interactive-dev-session=false >"$tmp/wrangler.log" 2>&1) &
  pgid=$!
  for _ in $(seq 1 120); do
    if curl -s -o /dev/null "$base/"; then return 0; fi
    if ! kill -0 "$pgid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "wrangler did not start:"; cat "$tmp/wrangler.log"; exit 1
}

stop() {
  kill -- "-$pgid" 2>/dev/null || true
  wait "$pgid" 2>/dev/null || true
  pgid=""
}

passed=0
failed=0
check() { # description, then a command that must succeed
  local what="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $what"; else failed=$((failed + 1)); echo "FAIL $what"; fi
}
headers() { curl -s -o /dev/null -D - "$base$1" | tr -d '\r'; }
status_is() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$base$1")" = "$2" ]; }
redirects_to() { # path, status, location
  local h; h="$(headers "$1")"
  grep -q "^HTTP/[0-9.]* $2 " <<<"$h" && grep -qi "^location: $3\$" <<<"$h"
}
has_header() { headers "$1" | grep -qi "^$2: $3"; }
lacks_header() { ! headers "$1" | grep -qi "^$2: $3"; }

echo "== bundled registry"
serve "$tmp/bundled"
asset="/$(cd "$tmp/bundled" && ls assets/style.*.css)"
check "page has a strict CSP" has_header / content-security-policy "default-src 'none'; script-src 'self'; style-src 'self'"
check "page CSP has no unsafe-inline" lacks_header / content-security-policy ".*unsafe-inline"
check "page has HSTS" has_header / strict-transport-security "max-age=31536000"
check "page has X-Frame-Options" has_header /vendor/ x-frame-options DENY
check "page has X-Content-Type-Options" has_header /vendor/ x-content-type-options nosniff
check "page has Referrer-Policy" has_header /vendor/ referrer-policy strict-origin-when-cross-origin
check "page has Permissions-Policy" has_header /vendor/ permissions-policy ".*camera=()"
check "HTML revalidates" has_header /vendor/alibaba-cloud/ cache-control "public, max-age=0, must-revalidate"
check "fingerprinted asset is immutable" has_header "$asset" cache-control "public, max-age=31536000, immutable"
check "JSON is not cached long" lacks_header /api/vendors.json cache-control ".*immutable"
check "unknown page is a 404" status_is /vendor/no-such-vendor/ 404
check "404 serves the 404 page" bash -c "curl -s '$base/no/such/page' | grep -q 'Page not found'"
check "/vendor/alibaba-cloud -> 308 /vendor/alibaba-cloud/" redirects_to /vendor/alibaba-cloud 308 /vendor/alibaba-cloud/
check "calendar is text/calendar" has_header /api/register-expiry.ics content-type text/calendar
# The OWASP LLM Top 10 2026 edition took the framework's address; every 2025 entry address
# (it was /framework/owasp-llm-top-10/llmNN/) goes to that entry in the 2025 edition.
check "framework address shows the current edition" bash -c "curl -s '$base/framework/owasp-llm-top-10/' | grep -q 'LLM08:2026'"
check "the 2025 edition is a page" status_is /framework/owasp-llm-top-10-2025/ 200
for n in 01 02 03 04 05 06 07 08 09 10; do
  check "old entry /framework/owasp-llm-top-10/llm$n/ -> 301 its 2025 entry" redirects_to "/framework/owasp-llm-top-10/llm$n/" 301 "/framework/owasp-llm-top-10-2025/llm$n-2025/"
  check "old entry without slash -> 301" redirects_to "/framework/owasp-llm-top-10/llm$n" 301 "/framework/owasp-llm-top-10-2025/llm$n-2025/"
done
check "the 2025 entry says where it went" bash -c "curl -s '$base/framework/owasp-llm-top-10-2025/llm07-2025/' | grep -q 'href=\"/framework/owasp-llm-top-10/llm08-2026/\"'"
stop

echo "== fixture registry (alias, tombstone, publisher rules)"
serve "$tmp/fixture"
check "alias /vendor/old-example/ -> 301" redirects_to /vendor/old-example/ 301 /vendor/example-cloud/
check "alias without slash -> 301" redirects_to /vendor/old-example 301 /vendor/example-cloud/
check "renamed report -> 301" redirects_to /register/fx-2024-1/ 301 /register/fx-2024-001/
check "removed vendor keeps a tombstone (200)" status_is /vendor/gone-systems/ 200
check "tombstone says so" bash -c "curl -s '$base/vendor/gone-systems/' | grep -q 'Removed from the registry'"
check "removed vendor's pack -> its tombstone" redirects_to /vendor/gone-systems/pack/ 301 /vendor/gone-systems/
check "publisher's static redirect" redirects_to /docs 301 /about/
check "publisher's dynamic redirect" redirects_to /news/anything 302 /feed.xml
check "publisher's header rule" has_header /api/vendors.json x-robots-tag noindex
check "security headers on the tombstone" has_header /vendor/gone-systems/ x-frame-options DENY
check "unknown page is a 404" status_is /vendor/never-listed/ 404
stop

echo "== tests/pages_rules under wrangler's own parser"
# Each case's _headers/_redirects alone: wrangler must keep exactly the rules our parser (the
# one publish and serve share) keeps, or more where the case says we are STRICTER, and why.
kept() { # "header"|"redirect": the count wrangler printed, 0 if none
  sed 's/\x1b\[[0-9;]*m//g' "$tmp/wrangler.log" | sed -n "s/.*Parsed \([0-9]*\) valid $1 rules\?.*/\1/p" | head -1 | grep . || echo 0
}
for case in "$repo"/tests/pages_rules/*/; do
  name="$(basename "$case")"
  dir="$tmp/rules-$name"
  mkdir -p "$dir"
  echo ok >"$dir/index.html"
  echo missing >"$dir/404.html"
  for f in _headers _redirects; do if [ -f "$case$f" ]; then cp "$case$f" "$dir/"; fi; done
  serve "$dir"
  stop
  read -r ours_h ours_r < <(sed -n 's/^serve keeps \([0-9]*\) header rules and \([0-9]*\) redirect rules$/\1 \2/p' "$case/expected.txt")
  theirs_h="$(kept header)"
  theirs_r="$(kept redirect)"
  if [ -f "$case/STRICTER" ]; then
    check "$name: wrangler keeps at least our $ours_h header and $ours_r redirect rules (got $theirs_h, $theirs_r)" \
      test "$theirs_h" -ge "$ours_h" -a "$theirs_r" -ge "$ours_r"
  else
    check "$name: wrangler keeps our $ours_h header and $ours_r redirect rules (got $theirs_h, $theirs_r)" \
      test "$theirs_h" -eq "$ours_h" -a "$theirs_r" -eq "$ours_r"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
