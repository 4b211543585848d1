#!/usr/bin/env bash
# Save-to-reload latency of `trustatlas serve` on a generated registry (issue 3).
#
# Generates a synthetic registry of $VENDORS vendors, starts `serve` on it, holds a reload
# stream open like a browser tab, saves a vendor file $EDITS times and the base template
# $TEMPLATE_EDITS times, and prints each delay from the save to the reload event, with
# medians. Target: a vendor edit under 100 ms at 10,000 vendors on a 2-core machine.
#
#   bench/serve_latency.sh                      # 10,000 vendors
#   VENDORS=1000 EDITS=9 bench/serve_latency.sh
#
# The registry goes to $DIR (default on tmpfs: the disk here is slow and noisy). $GEN is
# the generator command; it defaults to this repository's example. The registry must build:
# one that `build` refuses (e.g. a file over Pages' 25 MiB limit) only shows its errors.
set -euo pipefail
cd "$(dirname "$0")/.."

VENDORS=${VENDORS:-10000}
SEED=${SEED:-1}
EDITS=${EDITS:-7}
TEMPLATE_EDITS=${TEMPLATE_EDITS:-3}
DIR=${DIR:-/dev/shm/trustatlas-serve-bench}
GEN=${GEN:-cargo run --quiet --release --example gen_registry --}

cargo build --quiet --release --bin trustatlas --example serve_latency
rm -rf "$DIR"
$GEN --vendors "$VENDORS" --seed "$SEED" --out "$DIR"
echo "registry: $VENDORS vendors in $DIR ($(find "$DIR/content" -type f | wc -l) content files)"
target/release/examples/serve_latency \
  --bin target/release/trustatlas \
  --root "$DIR" \
  --edits "$EDITS" \
  --template-edits "$TEMPLATE_EDITS"
rm -rf "$DIR"
