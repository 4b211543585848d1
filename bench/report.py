#!/usr/bin/env python3
"""Turns bench/run.sh's results.tsv into the Markdown tables of docs/PERFORMANCE.md.

Medians over runs, with the range in brackets; ratios are medians of per-run ratios (our run
and Hugo's run made one after the other), which cancel most of the noise other processes on
the machine add to both.
"""

import platform
import statistics
import subprocess
import sys
from collections import defaultdict


def load(path):
    runs = defaultdict(list)  # (name, size) -> [(run, wall, cpu, rss_kib, phases, written)]
    sizes = {}  # (name, size) -> (bytes, files)
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "over-limit":
                sizes[("over-limit", int(cols[1]))] = (cols[2] if len(cols) > 2 else "", 0)
                continue
            if cols[0] in ("size", "hugo-size"):
                sizes[(cols[0], int(cols[1]))] = (int(cols[2]), int(cols[3]))
                continue
            name, size, run, wall, cpu, rss = cols[:6]
            phases = {}
            if len(cols) > 6 and cols[6]:
                for kv in cols[6].split(","):
                    k, v = kv.split("=")
                    phases[k] = float(v)
            written = cols[7] if len(cols) > 7 else "-"
            runs[(name, int(size))].append(
                (int(run), float(wall), float(cpu), int(rss), phases, written)
            )
    return runs, sizes


def med(xs):
    return statistics.median(xs)


def rng(xs, fmt):
    m = med(xs)
    if len(xs) == 1:
        return fmt.format(m)
    return (fmt + " [" + fmt + "–" + fmt + "]").format(m, min(xs), max(xs))


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        mem = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.split("\n")[1].split()[1]
    except (OSError, IndexError):
        mem = "?"
    try:
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = ["?"]
    import os

    return f"{os.cpu_count()} × {cpu}, {mem} GiB RAM, Linux {platform.release()}; load average at the end: {' '.join(load)}"


def main():
    runs, sizes = load(sys.argv[1])
    all_sizes = sorted({s for (_, s) in runs})
    print(f"Machine: {machine()}\n")
    for (kind, n), (why, _) in sorted(sizes.items()):
        if kind == "over-limit":
            print(f"{n:,} vendors: not measured, the build refuses the site (a Cloudflare Pages limit): {why}\n")
    print("| vendors | tool | wall s | CPU s | peak RSS MiB | output | files | time ratio | RSS ratio |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in all_sizes:
        ours = sorted(runs.get(("trustatlas", n), []))
        hugo = sorted(runs.get(("hugo", n), []))
        if not ours:
            continue
        tr, mr = "", ""
        if hugo:
            pairs = list(zip(ours, hugo))
            tr = f"{med([o[1] / h[1] for o, h in pairs]):.2f}×"
            mr = f"{med([o[3] / h[3] for o, h in pairs]):.2f}×"
        b, files = sizes.get(("size", n), (0, 0))
        print(
            f"| {n:,} | TrustAtlas | {rng([r[1] for r in ours], '{:.2f}')} | {rng([r[2] for r in ours], '{:.2f}')} "
            f"| {rng([r[3] / 1024 for r in ours], '{:.0f}')} | {b / 2**20:.0f} MiB | {files:,} | {tr} | {mr} |"
        )
        if hugo:
            hb, hf = sizes.get(("hugo-size", n), (0, 0))
            print(
                f"| {n:,} | Hugo | {rng([r[1] for r in hugo], '{:.2f}')} | {rng([r[2] for r in hugo], '{:.2f}')} "
                f"| {rng([r[3] / 1024 for r in hugo], '{:.0f}')} | {hb / 2**20:.0f} MiB | {hf:,} | | |"
            )
    print()
    print("Our phases (median ms, `trustatlas build --timings`; render includes writing the staged files):\n")
    names = ["check", "load", "model", "hash", "derive", "render", "publish", "write"]
    print("| vendors | " + " | ".join(names) + " |")
    print("|---:|" + "---:|" * len(names))
    for n in all_sizes:
        ours = runs.get(("trustatlas", n), [])
        if not ours:
            continue
        cells = []
        for k in names:
            xs = [r[4][k] for r in ours if k in r[4]]
            cells.append(f"{med(xs):.0f}" if xs else "")
        print(f"| {n:,} | " + " | ".join(cells) + " |")
    print()
    print("Rebuilds into the existing output (median s):\n")
    print("| vendors | full build | no-change rebuild | ratio | one vendor edited | files written |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in all_sizes:
        full = runs.get(("trustatlas", n), [])
        nc = runs.get(("no-change", n), [])
        ed = runs.get(("one-edit", n), [])
        if not full:
            continue
        f = med([r[1] for r in full])
        ncs = med([r[1] for r in nc]) if nc else float("nan")
        eds = med([r[1] for r in ed]) if ed else float("nan")
        written = "/".join(sorted({r[5] for r in ed})) if ed else ""
        print(f"| {n:,} | {f:.2f} | {ncs:.3f} | {ncs / f:.3f} | {eds:.2f} | {written} |")
    if 10000 in all_sizes and 50000 in all_sizes:
        a = med([r[1] for r in runs[("trustatlas", 10000)]])
        b = med([r[1] for r in runs[("trustatlas", 50000)]])
        ca = med([r[2] for r in runs[("trustatlas", 10000)]])
        cb = med([r[2] for r in runs[("trustatlas", 50000)]])
        print(f"\n50,000 / 10,000 vendors: {b / a:.2f}× the wall time, {cb / ca:.2f}× the CPU time.")


if __name__ == "__main__":
    main()
