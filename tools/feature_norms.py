#!/usr/bin/env python3
"""Final LoRA feature norms per init and LR of a finished finetune sweep (docs/results.md §6, internal instability).

For every run under RUNS_DIR/runs/*/result.json: the last logged rms_za (RMS of Z_A = A·h) and rms_zb (RMS of
Z_B = s·B·A·h, what the LoRA branch adds to the layer's output), averaged over seeds, per (lora.init, optim.lr).
Standard library only; not part of the build. Usage: python3 tools/feature_norms.py runs/paper/minilm-sst2
"""
import json
import statistics
import sys
from pathlib import Path


def main(runs_dir):
    cells = {}
    for path in sorted(Path(runs_dir, "runs").glob("*/result.json")):
        result = json.loads(path.read_text())
        if result.get("status") != "ok":
            continue
        config, curves = result["config"], result["curves"]
        key = (config["lora"]["init"], config["optim"]["lr"])
        cells.setdefault(key, []).append((curves["rms_za"][-1], curves["rms_zb"][-1]))
    if not cells:
        print(f"no finished runs under {runs_dir}/runs", file=sys.stderr)
        return 1
    print(f"{'init':<10} {'lr':>8} {'rms_za':>10} {'rms_zb':>10}  seeds")
    for (init, lr), values in sorted(cells.items()):
        za = statistics.mean(v[0] for v in values)
        zb = statistics.mean(v[1] for v in values)
        print(f"{init:<10} {lr:>8g} {za:>10.3g} {zb:>10.3g}  {len(values)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
