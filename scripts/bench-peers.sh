#!/usr/bin/env bash
# LoraLab against plain PyTorch on the same workloads, from the same weights (docs/performance.md, "Against
# PyTorch"): MiniLM LoRA step and no-grad forward, stories260K LoRA step, greedy generation (with and without a KV
# cache), one batch of the toy width sweep; then MKL's dispatch on this CPU and finetune's recipe overhead. First
# checks that both sides compute the same thing (losses to 1e-4, generated ids exactly), then runs LoraLab and
# PyTorch interleaved, one process per trial (A B A B ...), and prints the table.
#   bash scripts/bench-peers.sh [TRIALS] > peers.log        (default 5 trials per side; ~15 min on 2 idle cores)
#   THREADS=1 bash scripts/bench-peers.sh                   (both sides on 1 thread: on a loaded machine 2 spinning
#                                                            OpenMP threads measure the load, not the code)
# Needs Debian's python3-torch and OpenBLAS (installed here when run as root with apt-get; else it says how).
set -uo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-5}
PY=/usr/bin/python3
need=()
[ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null || need+=(python3-torch)
ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 >/dev/null 2>&1 || need+=(libopenblas0-pthread)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "# installing ${need[*]}" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2 || exit 1
  else
    echo "bench-peers: the PyTorch peer needs Debian's ${need[*]}: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi
dotnet build benchmarks/LoraLab.Benchmarks -c Release -v q -nologo >/dev/null || exit 1
B=benchmarks/LoraLab.Benchmarks/bin/Release/net10.0/LoraLab.Benchmarks.dll
DIR=$(mktemp -d /tmp/bench-peers.XXXXXX)
WORKLOADS=(minilm stories generate toy)
threads() { [ "$1" = toy ] && echo 1 || echo "${THREADS:-2}"; }   # the toy batch: one thread, as `reproduce` runs it

echo "# bench-peers $(date -u '+%F %T') UTC, $TRIALS trials per side, logs in $DIR"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# same computation (dropout off; LoraLab exports the starting state, the peer loads it):"
ok=1
for w in "${WORKLOADS[@]}"; do
  dotnet "$B" "$w-peer" --check --export "$DIR" --threads "$(threads "$w")" > "$DIR/$w.loralab.check" 2>&1
  "$PY" "tools/peers/$w.py" --state "$DIR/$w.safetensors" --check --threads "$(threads "$w")" \
    > "$DIR/$w.peer.check" 2>&1
  printf '#   %-9s ' "$w"
  "$PY" tools/peers/compare.py "$DIR/$w.loralab.check" "$DIR/$w.peer.check" || ok=0
done
[ "$ok" = 1 ] || { echo "bench-peers: LoraLab and its PyTorch peer disagree (see $DIR/*.check)" >&2; exit 1; }
for t in $(seq 1 "$TRIALS"); do
  for w in "${WORKLOADS[@]}"; do
    dotnet "$B" "$w-peer" --threads "$(threads "$w")" >> "$DIR/$w.loralab.log" 2>&1
    "$PY" "tools/peers/$w.py" --state "$DIR/$w.safetensors" --threads "$(threads "$w")" >> "$DIR/$w.peer.log" 2>&1
  done
  echo "# trial $t done $(date -u '+%T'), load average $(cut -d' ' -f1 /proc/loadavg)" >&2
done
echo "# LoraLab:"; grep -m4 '^# ' "$DIR/minilm.loralab.log"
echo "# PyTorch:"; grep -m4 '^# ' "$DIR/minilm.peer.log"
"$PY" tools/peers/table.py "$DIR"
echo "# MKL dispatch on this CPU (1 thread, 1024^3 sgemm): feature-based (LoraLab's default), vendor-based (keep):"
for mode in default keep default keep; do
  if [ "$mode" = keep ]; then export LORALAB_MKL_VENDOR_CHECK=keep; else unset LORALAB_MKL_VENDOR_CHECK; fi
  printf '#   %-8s ' "$mode"
  dotnet "$B" machine --threads 1 | grep -E '^# (mkl isa|threads)' | sed 's/^# //' | paste -sd';' -
done
unset LORALAB_MKL_VENDOR_CHECK
echo "# finetune's s/step against the bare step of the same config (configs/minilm-sst2.json, its threads):"
dotnet "$B" finetune-step --config configs/minilm-sst2.json --steps 10 | grep -E '^(# round|finetune)'
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%T') UTC"
