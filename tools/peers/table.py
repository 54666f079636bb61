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
    """{workload: [median ms per trial]}, [gemm peak per trial], header lines of the first trial."""
    results, peaks, headers = {}, [], []
    with open(path) as f:
        for line in f:
            if line.startswith("RESULT "):
                _, name, med, *_ = line.split()
                results.setdefault(name, []).append(float(med))
            elif "gemm peak" in line:
                peaks.append(float(re.search(r"this run\) ([0-9.]+)", line).group(1)))
            if line.startswith("# ") and len(peaks) <= 1:
                headers.append(line.rstrip())
    return results, peaks, headers


def fmt(xs):
    if not xs:
        return "—"
    return f"{statistics.median(xs):.1f} ({min(xs):.1f}–{max(xs):.1f})"


def main():
    d = sys.argv[1]
    rows = []
    print("| workload | LoraLab ms, median (range) | PyTorch ms, median (range) | PyTorch / LoraLab | trials |"
          " GEMM peak GFLOP/s LoraLab / PyTorch |")
    print("|---|---|---|---|---|---|")
    for log in sorted(glob.glob(os.path.join(d, "*.loralab.log"))):
        workload = os.path.basename(log).split(".")[0]
        a, pa, _ = read(log)
        b, pb, _ = read(os.path.join(d, f"{workload}.peer.log"))
        for name in sorted(set(a) | set(b)):
            la, lb = a.get(name, []), b.get(name, [])
            ratio = f"**{statistics.median(lb) / statistics.median(la):.2f}×**" if la and lb else "—"
            peaks = f"{statistics.median(pa):.0f} / {statistics.median(pb):.0f}" if pa and pb else "—"
            print(f"| {name} | {fmt(la)} | {fmt(lb)} | {ratio} | {len(la)} / {len(lb)} | {peaks} |")
            rows.append((name, la, lb))
    res = {name: (la, lb) for name, la, lb in rows}
    for side, i in (("LoraLab", 0), ("PyTorch", 1)):
        if "minilm-step" in res and res["minilm-step"][i] and res["minilm-forward"][i]:
            print(f"\n{side} MiniLM step / its own no-grad forward: "
                  f"{statistics.median(res['minilm-step'][i]) / statistics.median(res['minilm-forward'][i]):.2f}×", end="")
    if "generate-cache" in res and res["generate-cache"][1] and res["generate"][1]:
        print(f"\nPyTorch generation with / without KV cache: "
              f"{statistics.median(res['generate'][1]) / statistics.median(res['generate-cache'][1]):.2f}× tokens/s", end="")
    if "generate-cache" in res and res["generate-cache"][0] and res["generate"][0]:
        print(f"\nLoraLab generation with / without KV cache: "
              f"{statistics.median(res['generate'][0]) / statistics.median(res['generate-cache'][0]):.2f}× tokens/s", end="")
    print()


if __name__ == "__main__":
    main()
