#!/usr/bin/env bash
# Evaluates `loralab tune` against the committed grids (docs/tune.md, "Does it work?"): the four tune specs in
# configs/tune/, cheapest first, one after another, each into runs/tune-eval/<name> (rerun to resume a killed one),
# then, as the evaluation rule in docs/tune.md says, the recommended config with seeds 0, 1, 2 into
# runs/tune-eval/<name>/eval-seed-<s> (finished ones are skipped). Table: /usr/bin/python3 tools/tune_eval.py
# Usage: scripts/run-tune-eval.sh [--tool PATH] [name ...]      (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
tool=src/LoraLab.Cli/bin/Release/net10.0/loralab
if [[ "${1:-}" == "--tool" ]]; then tool=$2; shift 2; fi
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=(stories260k-tinyshakespeare stories260k-wikitext2 minilm-sst2 minilm-mrpc)
[[ -x "$tool" ]] || dotnet build LoraLab.slnx -c Release
export OMP_WAIT_POLICY=PASSIVE
for name in "${names[@]}"; do
  out=runs/tune-eval/$name
  mkdir -p "$out"
  echo "== $name -> $out ($(date -u +%H:%M:%S))"
  /usr/bin/time -f "$name wall %e s" nice -n 5 "$tool" tune --config "configs/tune/$name.json" --out "$out" \
    --threads 1 --jobs "${JOBS:-1}" 2> >(tee "$out.log" >&2)
  for seed in 0 1 2; do
    eval_out=$out/eval-seed-$seed
    [[ -f $eval_out/result.json ]] && continue
    /usr/bin/time -f "$name recommended seed $seed wall %e s" nice -n 5 "$tool" finetune \
      --config "$out/recommended.json" --set seed=$seed --out "$eval_out" 2> >(tee -a "$out.log" >&2)
  done
done
