#!/usr/bin/env bash
# kill-test.sh - a sweep survives kill -9: run SPEC uninterrupted (reference), then run it again in a fresh folder,
# killing the sweep with SIGKILL at random moments KILLS times, then let it finish. Checks: every planned run has
# exactly one result.json (with its own id), results finished before a kill are never rewritten, no *.tmp is left,
# `sweep status` says complete, and summary.csv is byte-identical to the reference.
# Ends with "kill-test: N passed, N failed". Every wait is bounded (RUN_TIMEOUT).
#
# Knobs: SPEC=configs/sweeps/smoke.json  KILLS=3  JOBS=2  THREADS=1  RUN_TIMEOUT=300  SEED=$RANDOM  KEEP=0
#        LORALAB=<path to the loralab executable> (default: the Release build, built if missing)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SPEC=${SPEC:-configs/sweeps/smoke.json}
KILLS=${KILLS:-3}
JOBS=${JOBS:-2}
THREADS=${THREADS:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
SEED=${SEED:-$RANDOM}
LORALAB=${LORALAB:-$ROOT/src/LoraLab.Cli/bin/Release/net10.0/loralab}
W=$(mktemp -d "${TMPDIR:-/tmp}/loralab-kill-test.XXXXXX")
RANDOM=$SEED
NAME=kill-test
source "$ROOT/scripts/kill-test-lib.sh"
run() { timeout "$RUN_TIMEOUT" "$LORALAB" sweep run "$SPEC" --jobs "$JOBS" --threads "$THREADS" --out "$@"; }

# ---- reference: uninterrupted
t0=$EPOCHREALTIME
run "$W/ref" 2>"$W/ref.log"; rc=$?
ref_s=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
check "uninterrupted run exits 0 (${ref_s}s)" [ "$rc" = 0 ]
"$LORALAB" sweep merge "$W/ref" >/dev/null || bad "merge ref"
runs=$(grep -c '"index"' "$W/ref/plan.json")
echo "[kill-test] reference: $runs runs in ${ref_s}s; seed $SEED"

# ---- killed KILLS times at random moments within the remaining work, then finished
count() { find "$W/killed/runs" -name result.json 2>/dev/null | wc -l; }
for ((k = 1; k <= KILLS; k++)); do
  # Kill at a random moment inside the remaining work: once the sweep has written a randomly chosen number of new
  # results (spread so that every kill leaves work to do), plus a random 0-0.3 s, so the kill also lands in the
  # middle of runs. Keyed to progress, not to wall time, so a faster or slower machine cannot make a kill miss.
  have=$(count)
  left=$((runs - have))
  span=$((left / (KILLS - k + 2)))
  [ "$span" -lt 1 ] && span=1
  target=$((have + 1 + RANDOM % span))
  extra=$(awk -v r=$RANDOM 'BEGIN{printf "%.2f", 0.3 * r / 32767}')
  [ -d "$W/killed/runs" ] && (cd "$W/killed/runs" && find . -name result.json -exec sha1sum {} + | sort) >"$W/before.$k"
  # no 'timeout' wrapper here: $! must be the sweep itself (the kill bounds it)
  "$LORALAB" sweep run "$SPEC" --jobs "$JOBS" --threads "$THREADS" --out "$W/killed" 2>"$W/killed.$k.log" &
  kill_at $! "$target" "$extra" count
  sleep 0.6   # child runs notice their parent is gone within 0.2 s and SIGKILL themselves
  n=$(count)
  echo "[kill-test] kill $k after result $target (+${extra}s): killed=$killed, $n/$runs results on disk"
  if [ -s "$W/before.$k" ]; then
    (cd "$W/killed/runs" && sha1sum -c --quiet "$W/before.$k" >/dev/null 2>&1)
    check "kill $k: results finished before it were not rewritten" [ $? = 0 ]
  fi
done
check "$hits of $KILLS kills hit a running sweep" [ "$hits" = "$KILLS" ]
orphans=$(pgrep -f "sweep run-one $W/killed" | wc -l)
check "no orphaned child runs" [ "$orphans" = 0 ]
run "$W/killed" 2>"$W/final.log"; rc=$?
check "finishing run exits 0" [ "$rc" = 0 ]
"$LORALAB" sweep merge "$W/killed" >/dev/null || bad "merge killed"

# ---- every run exactly once, nothing left over, same bytes
n=$(find "$W/killed/runs" -name result.json | wc -l)
check "exactly $runs result files (found $n)" [ "$n" = "$runs" ]
ids_ok=1
for d in "$W/killed/runs"/*/; do
  id=$(basename "$d")
  grep -q "\"id\": \"$id\"" "$d/result.json" || ids_ok=0
done
check "every result.json carries its own run id" [ "$ids_ok" = 1 ]
check "no *.tmp left" [ -z "$(find "$W/killed" -name '*.tmp')" ]
"$LORALAB" sweep status "$W/killed" >/dev/null; check "sweep status: complete (exit 0)" [ $? = 0 ]
check "summary.csv byte-identical to the uninterrupted run" cmp -s "$W/ref/summary.csv" "$W/killed/summary.csv"
finish
