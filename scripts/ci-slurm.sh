#!/usr/bin/env bash
# ci-slurm.sh - the Slurm path end to end on a one-node Slurm (scripts/slurm-local.sh; installs slurm-wlm + munge
# from Debian when missing; run as root). A tiny sweep goes through `sweep plan --slurm` + submit.sh (job array +
# merge job chained with afterany), its summary.csv is compared byte for byte with a local run, two results are
# then destroyed and `sweep status`'s resubmit line re-runs only their shards. Then a small toy search sweep runs as
# Slurm waves (driver job -> wave array -> driver again -> ... -> merge), is compared byte for byte with the same
# search run in one process, survives a cancelled driver chain with lost results, and Slurm is stopped.
# Every wait is bounded by `timeout`. Ends with "slurm: N passed, N failed".
#
# Knobs: SPEC=configs/sweeps/smoke.json  SHARDS=4  JOB_TIMEOUT=300  LORALAB=<loralab executable>  KEEP=0
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SPEC=${SPEC:-configs/sweeps/smoke.json}
SHARDS=${SHARDS:-4}
JOB_TIMEOUT=${JOB_TIMEOUT:-300}
LORALAB=${LORALAB:-$ROOT/src/LoraLab.Cli/bin/Release/net10.0/loralab}
W=$(mktemp -d "${TMPDIR:-/tmp}/loralab-ci-slurm.XXXXXX")
chmod 0755 "$W"                       # slurm's user must reach the job folders
export WORKDIR="$W/slurm"             # slurm-local.sh's state, logs, pid files
T0=$EPOCHREALTIME
pass=0 fail=0
el()   { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }
ok()   { pass=$((pass + 1)); echo "[ci-slurm $(el)s] PASS $*"; }
bad()  { fail=$((fail + 1)); echo "[ci-slurm $(el)s] FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
stop_slurm() { bash "$ROOT/scripts/slurm-local.sh" stop >/dev/null 2>&1 || true; }
on_exit() {
  stop_slurm
  [ "${KEEP:-0}" = 1 ] && echo "[ci-slurm] kept $W" || rm -rf "$W"
  echo "slurm: $pass passed, $fail failed"
  [ "$fail" = 0 ]
}
trap on_exit EXIT

if [ ! -x "$LORALAB" ]; then
  echo "[ci-slurm] building $LORALAB"
  dotnet build "$ROOT/src/LoraLab.Cli" -c Release -v q -nologo >/dev/null || { bad "build"; exit 1; }
fi

# ---- a one-node cluster, left running for our jobs
if ! KEEP_RUNNING=1 ARRAY_N=0 timeout 600 bash "$ROOT/scripts/slurm-local.sh" >"$W/slurm-local.log" 2>&1; then
  tail -n 30 "$W/slurm-local.log"; bad "slurm-local.sh start"; exit 1
fi
ok "slurm-local.sh started a one-node cluster ($(grep -o 'install step: [0-9.]*s' "$W/slurm-local.log"))"
export SLURM_CONF="$WORKDIR/etc/slurm.conf"

# ---- local reference (one thread per run, like every Slurm task)
timeout "$JOB_TIMEOUT" "$LORALAB" sweep run "$SPEC" --out "$W/local" --jobs 2 --threads 1 2>"$W/local.log"
check "local sweep run" [ $? = 0 ]
timeout 60 "$LORALAB" sweep merge "$W/local" >/dev/null; check "local merge" [ $? = 0 ]
runs=$(grep -c '"index"' "$W/local/plan.json")

# ---- plan for Slurm, submit the array + the afterany merge job, wait for the merge job (bounded)
timeout 60 "$LORALAB" sweep plan "$SPEC" --out "$W/cluster" --slurm --shards "$SHARDS" --threads 1 \
  --tool "$LORALAB" --sbatch "#SBATCH --time=10" >"$W/plan.log" 2>&1
check "sweep plan --slurm wrote sweep.sbatch with N=$SHARDS written in" \
  grep -q "/$SHARDS\" --jobs 1" "$W/cluster/sweep.sbatch"
ids=$(timeout 30 "$W/cluster/submit.sh"); echo "[ci-slurm] $ids"
merge_job=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' <<<"$ids")
state=""
for _ in $(seq 1 $((JOB_TIMEOUT * 2))); do
  state=$(scontrol -o show job "$merge_job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
  case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
  sleep 0.5
done
check "array + afterany merge job finished (merge job $merge_job: $state)" [ "$state" = COMPLETED ]
check "cluster summary.csv byte-identical to local" cmp -s "$W/local/summary.csv" "$W/cluster/summary.csv"
n=$(find "$W/cluster/runs" -name result.json | wc -l)
check "exactly $runs result files (found $n)" [ "$n" = "$runs" ]

# ---- lose one result, corrupt another: status names only their shards; resubmit exactly that line
# plan indexes 1 and 6: shards 1 and 2 of 4
victims=$(sed -n 's/^ *"id": "\(.*\)",$/\1/p' "$W/cluster/plan.json" | sed -n '2p;7p')
set -- $victims
rm "$W/cluster/runs/$1/result.json"
echo '{"id": "truncated' >"$W/cluster/runs/$2/result.json"
timeout 60 "$LORALAB" sweep status "$W/cluster" >"$W/status.txt"; rc=$?
check "sweep status exits 2 (incomplete)" [ "$rc" = 2 ]
resubmit=$(sed -n 's/^resubmit: //p' "$W/status.txt")
expect="--array=$(( 1 % SHARDS )),$(( 6 % SHARDS ))"
check "status resubmits only the damaged shards ($resubmit)" grep -q -- "$expect " <<<"$resubmit"
# shellcheck disable=SC2086
timeout "$JOB_TIMEOUT" ${resubmit/sbatch/sbatch --wait} >/dev/null; rc=$?
check "resubmitted shards finished (sbatch --wait exit $rc)" [ "$rc" = 0 ]
timeout 60 "$LORALAB" sweep merge "$W/cluster" >/dev/null; check "merge after resubmit exits 0" [ $? = 0 ]
check "summary.csv byte-identical to local after resubmit" cmp -s "$W/local/summary.csv" "$W/cluster/summary.csv"
h1=$(sha1sum <"$W/cluster/summary.csv"); timeout 60 "$LORALAB" sweep merge "$W/cluster" >/dev/null
check "merging again gives the same bytes" [ "$h1" = "$(sha1sum <"$W/cluster/summary.csv")" ]

# ---- a full resubmit reruns nothing
before=$(cd "$W/cluster/runs" && find . -name result.json -exec sha1sum {} + | sort | sha1sum)
timeout "$JOB_TIMEOUT" sbatch --wait "$W/cluster/sweep.sbatch" >/dev/null; rc=$?
after=$(cd "$W/cluster/runs" && find . -name result.json -exec sha1sum {} + | sort | sha1sum)
check "full resubmit exits 0 (exit $rc) and rewrites no result" [ "$rc.$before" = "0.$after" ]
# ---- a search sweep as Slurm array waves (docs/sweeps.md, "Search sweeps on Slurm"): 2 widths x 2 inits x 2 seeds,
# edge + optimum on a coarse lattice, 30 toy steps; the driver job plans each wave and resubmits itself
cat >"$W/search-spec.json" <<'JSON'
{ "name": "ci-search", "kind": "toy",
  "base": { "steps": 30, "train_points": 100, "test_points": 20, "diagnostics": false },
  "grid": { "width": [32, 64], "init": ["a", "b"], "seed": [0, 1] },
  "search": { "key": "lr", "strategies": ["edge", "optimum"], "start": 0.01, "resolution": 1.4142135623730951,
              "bracket_factor": 2, "min": 1e-5, "max": 100 } }
JSON
timeout "$JOB_TIMEOUT" "$LORALAB" sweep run "$W/search-spec.json" --out "$W/search-local" \
  --jobs 1 --threads 1 --pack 16 2>"$W/search-local.log"
check "local search run" [ $? = 0 ]
# Wait (bounded) until the driver chain has merged: summary.csv written and no job of ours left in the queue.
wait_search() {
  local i
  for ((i = 0; i < JOB_TIMEOUT * 2; i++)); do
    [ -f "$1/summary.csv" ] \
      && [ -z "$(squeue -h -n loralab-ci-search-driver,loralab-ci-search-wave 2>/dev/null)" ] && return 0
    sleep 0.5
  done
  return 1
}
timeout 60 "$LORALAB" sweep plan "$W/search-spec.json" --out "$W/search-cluster" \
  --slurm --shards 3 --threads 1 --pack 16 --tool "$LORALAB" --sbatch "#SBATCH --time=10" >"$W/search-plan.log" 2>&1
check "sweep plan --slurm of a search spec wrote driver.sbatch" grep -q "sweep wave" "$W/search-cluster/driver.sbatch"
timeout 30 "$W/search-cluster/submit.sh" >/dev/null
wait_search "$W/search-cluster"; check "driver chain ended with a merge" [ $? = 0 ]
waves=$(ls "$W/search-cluster/logs" | grep -c '^driver_')
check "search.json of the Slurm waves byte-identical to the one-process search ($waves driver jobs)" \
  cmp -s "$W/search-local/search.json" "$W/search-cluster/search.json"
# ---- lose the last wave's bookkeeping and two probes' results; submitting the driver again resumes
rm -f "$W/search-cluster/summary.csv" "$W/search-cluster/search.json" "$W/search-cluster/wave.json"
find "$W/search-cluster/runs" -name result.json | sort | sed -n '3p;9p' | xargs rm -f
timeout 30 "$W/search-cluster/submit.sh" >/dev/null
wait_search "$W/search-cluster"; check "resubmitted driver finished" [ $? = 0 ]
check "search.json still byte-identical after the lost results were redone" \
  cmp -s "$W/search-local/search.json" "$W/search-cluster/search.json"
n=$(find "$W/search-cluster/runs" -name result.json | wc -l)
m=$(find "$W/search-local/runs" -name result.json | wc -l)
check "as many probe results as the local search ($n vs $m)" [ "$n" = "$m" ]
echo "[ci-slurm] total $(el)s"
