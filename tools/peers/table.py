#!/usr/bin/python3
"""The table of scripts/bench-peers.sh: per workload, the median and range over trials (each trial one process, its
own median step) for LoraLab and its PyTorch peer, and the ratio PyTorch / LoraLab (> 1: LoraLab faster). Also the
GEMM peak each side measured in the same runs, and LoraLab's MiniLM step over its own no-grad forward.

    /usr/bin/python3 tools/peers/table.py DIR     (DIR/<workload>.loralab.log, DIR/<workload>.peer.log)
"""
import glob
import os
import re
import statistics
import sys


def read(path):
    """{workload: [(median wall ms, median CPU ms, % of the GEMM peak) per trial]}, [gemm peak per trial],
    the first trial's header lines."""
    results, peaks, headers = {}, [], []
    with open(path) as f:
        for line in f:
            if line.startswith("RESULT "):
                _, name, med, _, _, cpu, *_ = line.split()
                share = re.search(r"= ([0-9.]+) ?% of gemm peak", line)
                results.setdefault(name, []).append((float(med), float(cpu.removeprefix("cpu=")),
                                                     float(share.group(1)) if share else float("nan")))
            elif line.startswith("# threads") and "gemm peak" in line:
                peaks.append(float(re.search(r"this run\) ([0-9.]+)", line).group(1)))
            if line.startswith("# ") and len(peaks) <= 1:
                headers.append(line.rstrip())
    return results, peaks, headers


def fmt(xs):
    if not xs:
        return "—"
    return f"{statistics.median(xs):.1f} ({min(xs):.1f}–{max(xs):.1f})"


def med(pairs, i):
    return statistics.median(p[i] for p in pairs)


def main():
    d = sys.argv[1]
    rows = []
    print("| workload | LoraLab ms, median (range) | PyTorch ms, median (range) | PyTorch / LoraLab, wall |"
          " CPU ms per step LoraLab / PyTorch (ratio) | trials | GEMM peak GFLOP/s LoraLab / PyTorch |"
          " matmul rate as % of own peak |")
    print("|---|---|---|---|---|---|---|---|")
    for log in sorted(glob.glob(os.path.join(d, "*.loralab.log"))):
        workload = os.path.basename(log).split(".")[0]
        a, pa, _ = read(log)
        b, pb, _ = read(os.path.join(d, f"{workload}.peer.log"))
        for name in sorted(set(a) | set(b)):
            la, lb = a.get(name, []), b.get(name, [])
            ratio = f"**{med(lb, 0) / med(la, 0):.2f}×**" if la and lb else "—"
            cpu = "—" if not (la and lb) else f"{med(la, 1):.1f} / {med(lb, 1):.1f} ({med(lb, 1) / med(la, 1):.2f}×)"
            peaks = f"{statistics.median(pa):.0f} / {statistics.median(pb):.0f}" if pa and pb else "—"
            walls = lambda pairs: [p[0] for p in pairs]
            trials = f"{len(la)} / {len(lb)}"
            share = " / ".join("—" if not xs or xs[0][2] != xs[0][2] else f"{med(xs, 2):.0f} %" for xs in (la, lb))
            print(f"| {name} | {fmt(walls(la))} | {fmt(walls(lb))} | {ratio} | {cpu} | {trials} | {peaks} | {share} |")
            rows.append((name, la, lb))
    res = {name: (la, lb) for name, la, lb in rows}
    for side, i in (("LoraLab", 0), ("PyTorch", 1)):
        if "minilm-step" in res and res["minilm-step"][i] and res["minilm-forward"][i]:
            print(f"\n{side} MiniLM step / its own no-grad forward: "
                  f"{med(res['minilm-step'][i], 0) / med(res['minilm-forward'][i], 0):.2f}× wall, "
                  f"{med(res['minilm-step'][i], 1) / med(res['minilm-forward'][i], 1):.2f}× CPU", end="")
    if "generate-cache" in res and res["generate-cache"][1] and res["generate"][1]:
        print(f"\nPyTorch generation with / without KV cache: "
              f"{med(res['generate'][1], 0) / med(res['generate-cache'][1], 0):.2f}× tokens/s", end="")
    if "generate-cache" in res and res["generate-cache"][0] and res["generate"][0]:
        print(f"\nLoraLab generation with / without KV cache: "
              f"{med(res['generate'][0], 0) / med(res['generate-cache'][0], 0):.2f}× tokens/s", end="")
    print()


if __name__ == "__main__":
    main()
