#!/usr/bin/env bash
# run-paper-sweeps.sh - the paper's real-model experiments at CPU scale (docs/results.md, issue 6): for each sweep
# under configs/paper/, `loralab sweep run` (resumable: finished runs are skipped), `sweep merge`, `compare` Init[A]
# (baseline) vs the other side, `report`, then copy summary.csv, compare.json/.txt, report.html and figures/ to
# docs/results/<sweep>/; finally evaluate the paper's claims (tools/paper_claims.py -> docs/results/claims.txt).
# Run from anywhere; it works in the repository root (data paths in the specs are relative).
#
# Usage: scripts/run-paper-sweeps.sh [--extras] [--only NAME[,NAME...]] [--width-sweep] [--jobs N] [--threads T]
#                                    [--runs DIR]
#   (no flags)  the five core sweeps (MiniLM SST-2, CoLA, MRPC; stories260K WikiText-2, tinyshakespeare)
#   --extras    also the extra arms (LoRA+ lambda=16 on SST-2 and WikiText-2; rsLoRA and PEFT's gaussian on WikiText-2)
#   --only      just these sweeps (names as in configs/paper/NAME.json, or width-sweep),
#               e.g. --only minilm-sst2,width-sweep
#   --width-sweep  also `loralab reproduce` (default protocol, ~40 s idle) into docs/results/width-sweep/
#   --jobs 2 --threads 1 (defaults): two runs at a time, one torch thread each (2 cores).
# Knobs: LORALAB=<loralab executable> (default: the Release build; built if missing).
# One sweep by hand, e.g.:
#   loralab sweep run configs/paper/minilm-sst2.json --out runs/paper/minilm-sst2 --jobs 2 --threads 1
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
LORALAB=${LORALAB:-$ROOT/src/LoraLab.Cli/bin/Release/net10.0/loralab}
JOBS=2 THREADS=1 EXTRAS=0 WIDTH=0 ONLY="" RUNS=runs/paper

# name | metric | baseline | candidate [| second metric]   (metric: the task's primary metric)
CORE=(
  "minilm-sst2|accuracy|lora.init=a|lora.init=b"
  "minilm-cola|mcc|lora.init=a|lora.init=b"
  "minilm-mrpc|f1|lora.init=a|lora.init=b|accuracy"
  "stories260k-wikitext2|perplexity|lora.init=a|lora.init=b"
  "stories260k-tinyshakespeare|perplexity|lora.init=a|lora.init=b"
)
EXTRA=(
  "stories260k-wikitext2-loraplus|perplexity|lora.init=a|lora.init=b"
  "minilm-sst2-loraplus|accuracy|lora.init=a|lora.init=b"
  "stories260k-wikitext2-rslora|perplexity|lora.init=a|lora.init=b"
  "stories260k-wikitext2-gaussian|perplexity|lora.init=a|lora.init=gaussian"
)

while [ $# -gt 0 ]; do
  case $1 in
    --extras) EXTRAS=1 ;;
    --width-sweep) WIDTH=1 ;;
    --only) ONLY=$2; shift ;;
    --jobs) JOBS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ ! -x "$LORALAB" ]; then
  echo "[paper] building $LORALAB" >&2
  dotnet build LoraLab.slnx -c Release 2>&1 | grep -E "error|rror\(s\)" >&2
fi

SWEEPS=("${CORE[@]}")
[ "$EXTRAS" = 1 ] && SWEEPS+=("${EXTRA[@]}")
if [ -n "$ONLY" ]; then
  SELECTED=()
  for entry in "${CORE[@]}" "${EXTRA[@]}"; do
    [[ ",$ONLY," == *",${entry%%|*},"* ]] && SELECTED+=("$entry")
  done
  [[ ",$ONLY," == *",width-sweep,"* ]] && WIDTH=1
  [ ${#SELECTED[@]} -gt 0 ] || [ "$WIDTH" = 1 ] || { echo "--only $ONLY matches no sweep" >&2; exit 2; }
  SWEEPS=("${SELECTED[@]}")
fi

stamp() { date -u +%H:%M:%S; }
mkdir -p "$RUNS"
failed=()
for entry in ${SWEEPS[@]+"${SWEEPS[@]}"}; do
  IFS='|' read -r name metric baseline candidate second <<< "$entry"
  spec=configs/paper/$name.json
  out=$RUNS/$name
  dest=docs/results/$name
  echo "[paper $(stamp)] $name: sweep run ($spec -> $out)" >&2
  # Exit 1 = some run failed (crashed): keep going, merge what exists, list it at the end.
  "$LORALAB" sweep run "$spec" --out "$out" --jobs "$JOBS" --threads "$THREADS" || failed+=("$name")
  "$LORALAB" sweep merge "$out" || failed+=("$name (merge)")
  mkdir -p "$dest"
  "$LORALAB" compare "$out" --baseline "$baseline" --candidate "$candidate" --metric "$metric" --lr-key optim.lr \
    --json "$dest/compare.json" | tee "$dest/compare.txt" || failed+=("$name (compare)")
  if [ -n "${second:-}" ]; then
    "$LORALAB" compare "$out" --baseline "$baseline" --candidate "$candidate" --metric "$second" --lr-key optim.lr \
      --json "$dest/compare-$second.json" | tee "$dest/compare-$second.txt" || failed+=("$name (compare $second)")
  fi
  "$LORALAB" report "$out" --metric "$metric" --side lora.init --lr-key optim.lr >/dev/null \
    || failed+=("$name (report)")
  { cp "$out/summary.csv" "$out/report.html" "$dest/" && rm -rf "$dest/figures" \
    && cp -r "$out/figures" "$dest/figures" && cp "$spec" "$dest/spec.json"; } || failed+=("$name (copy)")
  echo "[paper $(stamp)] $name: results in $dest" >&2
done

if [ "$WIDTH" = 1 ]; then
  echo "[paper $(stamp)] width sweep: loralab reproduce (default protocol)" >&2
  rm -rf "$RUNS/width-sweep"
  "$LORALAB" reproduce --out "$RUNS/width-sweep" | tee "$RUNS/width-sweep.stdout"
  dest=docs/results/width-sweep
  mkdir -p "$dest"
  cp "$RUNS/width-sweep/table.txt" "$RUNS/width-sweep/summary.json" "$RUNS/width-sweep/timing.json" \
     "$RUNS/width-sweep/report.html" "$dest/"
  rm -rf "$dest/figures" && cp -r "$RUNS/width-sweep/figures" "$dest/figures"
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "[paper] sweeps with failed runs: ${failed[*]} (see loralab sweep status $RUNS/<name>)" >&2
  exit 1
fi
# The three claims per task by docs/results.md §6's rules, from every core sweep's committed results so far.
if command -v python3 >/dev/null; then python3 tools/paper_claims.py > docs/results/claims.txt; fi
echo "[paper $(stamp)] done: ${#SWEEPS[@]} sweep(s);" \
     "claims per task in docs/results/claims.txt (tools/paper_claims.py)" >&2
