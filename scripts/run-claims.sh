#!/usr/bin/env bash
# run-claims.sh - the sweeps of docs/preregistration-2.md (issue 14), in its order, one sweep per seed so that a
# stopped session leaves complete seeds: for each spec under configs/claims/ and each of its seeds, writes the spec
# with that seed alone (runs/claims/specs/NAME-seed-K.json), `loralab sweep run` (resumable: finished runs are
# skipped), `sweep merge`, and copies summary.csv, search.json, the spec and timing.csv (run id, status, wall
# seconds, start) to docs/results/claims/NAME/seed-K/. tools/claims_analysis.py reads those files.
#
# Usage: scripts/run-claims.sh [--only NAME[,NAME...]] [--seeds "0 1"] [--jobs N]
#   (default: every spec in the pre-registered order, all its seeds, --jobs 2, one torch thread per run)
# Run on a shared machine as: OMP_WAIT_POLICY=PASSIVE nice -n 5 scripts/run-claims.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LORALAB=${LORALAB:-$PWD/src/LoraLab.Cli/bin/Release/net10.0/loralab}
ORDER=(edges-stories260k lr-stories260k-tinyshakespeare edges-minilm-sst2 lr-stories260k-wikitext2 lr-minilm-sst2
       rank-stories260k-wikitext2 rank-minilm-sst2)
ONLY="" SEEDS="" JOBS=2
while [ $# -gt 0 ]; do
  case $1 in
    --only) ONLY=$2; shift ;;
    --seeds) SEEDS=$2; shift ;;
    --jobs) JOBS=$2; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$LORALAB" ] || { echo "build first: dotnet build LoraLab.slnx -c Release" >&2; exit 2; }
mkdir -p runs/claims/specs
for name in "${ORDER[@]}"; do
  [ -n "$ONLY" ] && [[ ",$ONLY," != *",$name,"* ]] && continue
  spec=configs/claims/$name.json
  seeds=${SEEDS:-$(python3 -c "import json,sys; print(*json.load(open(sys.argv[1]))['grid']['seed'])" "$spec")}
  for seed in $seeds; do
    one=runs/claims/specs/$name-seed-$seed.json
    python3 - "$spec" "$seed" "$one" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["name"] += f"-seed-{sys.argv[2]}"
spec["grid"]["seed"] = [int(sys.argv[2])]
open(sys.argv[3], "w").write(json.dumps(spec, indent=2) + "\n")
PY
    out=runs/claims/$name/seed-$seed
    dest=docs/results/claims/$name/seed-$seed
    echo "[claims $(date -u +%H:%M:%S)] $name seed $seed -> $out" >&2
    status=0
    "$LORALAB" sweep run "$one" --out "$out" --jobs "$JOBS" --threads 1 || status=$?
    "$LORALAB" sweep merge "$out" || true
    mkdir -p "$dest"
    cp "$one" "$dest/spec.json"
    cp "$out/summary.csv" "$dest/"
    [ -f "$out/search.json" ] && cp "$out/search.json" "$dest/"
    python3 - "$out" "$dest/timing.csv" <<'PY'
import csv, json, pathlib, sys
rows = []
for f in sorted(pathlib.Path(sys.argv[1], "runs").glob("*/result.json")):
    r = json.loads(f.read_text())
    t = r.get("timing") or {}
    rows.append((t.get("started_utc", ""), r.get("id", f.parent.name), r.get("status", ""), t.get("wall_seconds", "")))
with open(sys.argv[2], "w", newline="") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["started_utc", "id", "status", "wall_seconds"])
    w.writerows(sorted(rows))
PY
    echo "[claims $(date -u +%H:%M:%S)] $name seed $seed: exit $status, results in $dest" >&2
  done
done
