#!/usr/bin/python3
"""Compares the LOSS and TOKENS lines of a LoraLab run and its PyTorch peer (scripts/bench-peers.sh):
losses must agree to 1e-4 (relative where |loss| > 1), token ids exactly. NaN on LoraLab's side (a toy run already
stopped as diverged) has no peer line and is skipped. Exit 1 on any mismatch or when nothing was compared.

    /usr/bin/python3 tools/peers/compare.py loralab.log peer.log
"""
import math
import sys


def read(path):
    losses, tokens = {}, {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts[:1] == ["LOSS"]:
                losses[(parts[1], int(parts[2]))] = float(parts[3])
            elif parts[:1] == ["TOKENS"]:
                tokens[parts[1]] = parts[2:]
    return losses, tokens


def main():
    (la, ta), (lb, tb) = read(sys.argv[1]), read(sys.argv[2])
    worst, compared, bad = 0.0, 0, []
    for key, a in la.items():
        if math.isnan(a) and key not in lb:
            continue
        b = lb.get(key)
        diff = abs(a - b) / max(1.0, abs(a)) if b is not None else math.inf
        worst, compared = max(worst, diff), compared + 1
        if not diff <= 1e-4:
            bad.append(f"{key[0]} step {key[1]}: LoraLab {a!r}, PyTorch {b!r}")
    for name, a in ta.items():
        for peer_name, b in tb.items():
            if peer_name.startswith(name):
                compared += 1
                if a != b:
                    bad.append(f"{peer_name}: generated ids differ")
    verdict = f"; MISMATCH: {'; '.join(bad[:5])}" if bad else "; OK"
    print(f"compared {compared} values; largest loss difference {worst:.2e}{verdict}")
    sys.exit(1 if bad or compared == 0 else 0)


if __name__ == "__main__":
    main()
