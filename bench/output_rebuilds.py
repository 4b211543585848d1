#!/usr/bin/env python3
"""No-change and one-edit rebuild times of two trustatlas binaries (docs/PERFORMANCE.md,
"What atomic means now").

    bench/output_rebuilds.py BEFORE_BIN AFTER_BIN [VENDORS]      # VENDORS: 1000

On the bundled registry and on a generated one (examples/gen_registry), it builds each binary
into its own output once, then alternates the two binaries run by run (so load from other
processes affects both alike): RUNS no-change rebuilds, then RUNS rebuilds each after
appending a sentence to the first vendor. It prints every run and a Markdown table of medians:
wall time, and user+system CPU of the build process (getrusage, microseconds), which scatters
far less than wall time on a shared machine.

Environment: RUNS (9), WORK (/dev/shm/trustatlas-rebuilds; keep it on tmpfs).
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(os.environ.get("RUNS", "9"))
WORK = os.environ.get("WORK", "/dev/shm/trustatlas-rebuilds")
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1795305600", NO_COLOR="1")
HOUR_AGO = time.time() - 3600


def age(tree):
    """Inputs modified within two seconds of a build are not trusted by the no-change check."""
    for d, _, files in os.walk(tree):
        for f in files:
            os.utime(os.path.join(d, f), (HOUR_AGO, HOUR_AGO))


def build(binary, root, out):
    """One build; returns (wall ms, user+system CPU ms) of the child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(
        [binary, "build", "--root", root, "--out", out, "--max-files", "100000"],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"{binary} failed:\n{r.stderr}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def main():
    binaries = {"before": os.path.abspath(sys.argv[1]), "after": os.path.abspath(sys.argv[2])}
    vendors = sys.argv[3] if len(sys.argv) > 3 else "1000"
    os.makedirs(WORK, exist_ok=True)
    generated = os.path.join(WORK, f"reg-{vendors}")
    if not os.path.isdir(generated):
        subprocess.run(
            ["cargo", "run", "--quiet", "--example", "gen_registry", "--", "--vendors", vendors,
             "--seed", "1", "--out", generated],
            cwd=REPO, check=True, stderr=subprocess.DEVNULL,
        )
    bundled = os.path.join(WORK, "bundled")
    if not os.path.isdir(bundled):
        os.makedirs(bundled)
        shutil.copy(os.path.join(REPO, "site.toml"), bundled)
        for d in ["content", "themes", "static"]:
            shutil.copytree(os.path.join(REPO, d), os.path.join(bundled, d))
    results = {}
    for site in [bundled, generated]:
        name = os.path.basename(site)
        age(site)
        outs = {}
        for label, binary in binaries.items():
            out = os.path.join(WORK, f"out-{label}-{name}")
            shutil.rmtree(out, ignore_errors=True)
            build(binary, site, out)
            outs[label] = out
        vendor_dir = os.path.join(site, "content", "vendors")
        vendor = os.path.join(vendor_dir, sorted(os.listdir(vendor_dir))[0])
        with open(vendor) as f:
            original = f.read()
        try:
            for kind in ["no-change", "one-edit"]:
                for run in range(RUNS):
                    for label, binary in binaries.items():
                        if kind == "one-edit":
                            with open(vendor, "a") as f:
                                f.write(f"\nEdited for the benchmark, run {run} ({label}).\n")
                        wall, cpu = build(binary, site, outs[label])
                        print(f"{name} {kind} {label} {wall:.0f} ms {cpu:.0f} ms", flush=True)
                        results.setdefault((name, kind, label), []).append((wall, cpu))
        finally:
            with open(vendor, "w") as f:
                f.write(original)
            os.utime(vendor, (HOUR_AGO, HOUR_AGO))
    print("\n| site, rebuild | before: wall / CPU | after: wall / CPU |")
    print("| --- | --- | --- |")
    for site in [bundled, generated]:
        name = os.path.basename(site)
        for kind in ["no-change", "one-edit"]:
            cells = []
            for label in binaries:
                runs = results[(name, kind, label)]
                wall = statistics.median(w for w, _ in runs)
                cpu = statistics.median(c for _, c in runs)
                cells.append(f"{wall:,.0f} ms / {cpu:,.0f} ms")
            print(f"| {name}, {kind} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
