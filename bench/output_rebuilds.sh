#!/usr/bin/env bash
# No-change and one-edit rebuild times of two trustatlas binaries, alternated run by run (so
# load from other processes affects both alike), on the bundled registry and a generated one:
#
#   bench/output_rebuilds.sh BEFORE_BIN AFTER_BIN [VENDORS]     # VENDORS: 1000
#
# Prints one line per build: site, kind, binary, wall ms, user+system ms; then the medians.
# Environment: RUNS (9), WORK (/dev/shm/trustatlas-rebuilds, keep it on tmpfs).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BEFORE=$1 AFTER=$2 N=${3:-1000}
RUNS=${RUNS:-9}
WORK=${WORK:-/dev/shm/trustatlas-rebuilds}
export SOURCE_DATE_EPOCH=1795305600 NO_COLOR=1
mkdir -p "$WORK"
if [ ! -d "$WORK/reg-$N" ]; then
    cargo run --quiet --example gen_registry -- --vendors "$N" --seed 1 --out "$WORK/reg-$N" 2>/dev/null
fi
if [ ! -d "$WORK/bundled" ]; then
    mkdir -p "$WORK/bundled"
    cp -R "$REPO/site.toml" "$REPO/content" "$REPO/themes" "$REPO/static" "$WORK/bundled/"
fi
# Inputs modified within two seconds of a build are not trusted by the no-change check.
find "$WORK/reg-$N" "$WORK/bundled" -type f -exec touch -d '1 hour ago' {} +
results=$WORK/results.txt
: > "$results"
for site in bundled "reg-$N"; do
    for label in before after; do
        bin=$BEFORE; [ "$label" = after ] && bin=$AFTER
        rm -rf "$WORK/out-$label-$site" "$WORK"/.out-"$label-$site".*
        "$bin" build --root "$WORK/$site" --out "$WORK/out-$label-$site" --max-files 100000 >/dev/null 2>&1
    done
    vendor=$(find "$WORK/$site/content/vendors" -name '*.md' | sort | sed -n 1p)
    cp "$vendor" "$WORK/vendor.bak"
    for kind in no-change one-edit; do
        for run in $(seq 1 "$RUNS"); do
            for label in before after; do
                bin=$BEFORE; [ "$label" = after ] && bin=$AFTER
                if [ "$kind" = one-edit ]; then
                    printf '\nEdited for the benchmark, run %s (%s).\n' "$run" "$label" >> "$vendor"
                fi
                start=$(date +%s%N)
                /usr/bin/time -f '%U %S' -o "$WORK/time" "$bin" build --root "$WORK/$site" \
                    --out "$WORK/out-$label-$site" --max-files 100000 >/dev/null 2>"$WORK/err" \
                    || { cat "$WORK/err"; exit 1; }
                wall=$(( ($(date +%s%N) - start) / 1000000 ))
                read -r user sys < "$WORK/time"
                cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
                echo "$site $kind $label $wall $cpu" | tee -a "$results"
            done
        done
    done
    cp "$WORK/vendor.bak" "$vendor"
    touch -d '1 hour ago' "$vendor"
done
echo "median wall ms / user+sys ms:"
awk '{ k = $1 " " $2 " " $3; w[k] = w[k] " " $4; c[k] = c[k] " " $5 }
     END { for (k in w) print k, w[k], "|", c[k] }' "$results" | sort | while read -r s k l rest; do
    wall=$(echo "${rest%%|*}" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    cpu=$(echo "${rest##*|}" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    echo "$s $k $l $wall $cpu"
done
