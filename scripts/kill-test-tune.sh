#!/usr/bin/env bash
# kill-test-tune.sh - tune survives kill -9: run a small real tune (stories260K + LoRA on tinyshakespeare, 27-step
# config, 20-step ramps) uninterrupted (reference), then again in a fresh folder, killing it with SIGKILL KILLS times
# at random points (counted in finished runs), each life rerunning the same command, then let it finish.
# Checks: every kill hit a running tune, the last life exits 0, recommended.json, trials.csv and tune.json are
# byte-identical to the reference, no *.tmp is left. Ends with "kill-test-tune: N passed, N failed".
#
# Knobs: KILLS=3  RUN_TIMEOUT=900  SEED=$RANDOM  KEEP=0  LORALAB=<loralab executable> (default: the Release build)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KILLS=${KILLS:-3}
RUN_TIMEOUT=${RUN_TIMEOUT:-900}
SEED=${SEED:-$RANDOM}
LORALAB=${LORALAB:-$ROOT/src/LoraLab.Cli/bin/Release/net10.0/loralab}
W=$(mktemp -d "${TMPDIR:-/tmp}/loralab-kill-test-tune.XXXXXX")
RANDOM=$SEED
NAME=kill-test-tune
source "$ROOT/scripts/kill-test-lib.sh"
cat > "$W/spec.json" <<'JSON'
{ "name": "kill-test-tune",
  "base": { "model": { "kind": "llama2c", "path": "data/stories260K/stories260K.bin",
                       "tokenizer_path": "data/stories260K/tok512.bin" },
            "task": "tinyshakespeare",
            "data": { "train_fraction": 0.9, "max_train_examples": 200, "max_eval_examples": 16 },
            "max_seq_len": 64, "batch_size": 4, "steps": 27, "eval_every": 0, "eval_at_start": false,
            "eval_batch_size": 8,
            "lora": { "rank": 4, "alpha": 8, "dropout": 0.1, "target_modules": ["q_proj", "v_proj"] },
            "optim": { "lr": 3e-3 },
            "schedule": { "warmup_steps": 3, "decay": "cosine", "min_lr_ratio": 0.1 } },
  "tune": { "lr_find": { "steps": 20 }, "min_rung_steps": 3, "lrs_per_arm": 2, "edge_extensions": 1 } }
JSON
TUNE=("$LORALAB" tune --config "$W/spec.json" --threads 1)

t0=$EPOCHREALTIME
timeout "$RUN_TIMEOUT" "${TUNE[@]}" --out "$W/ref" >/dev/null 2>"$W/ref.log"; rc=$?
ref_s=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
check "uninterrupted tune exits 0 (${ref_s}s)" [ "$rc" = 0 ]
total=$(find "$W/ref" -name result.json -path '*/runs/*' -not -path '*/finetune/*' | wc -l)
echo "[kill-test-tune] reference: $total runs in ${ref_s}s; seed $SEED"

finished() { find "$W/killed" -name result.json -path '*/runs/*' -not -path '*/finetune/*' 2>/dev/null | wc -l; }
for ((k = 1; k <= KILLS; k++)); do
  seen=$(finished)
  span=$(((total - seen - 1) / (KILLS - k + 1)))
  [ "$span" -lt 1 ] && span=1
  target=$((seen + 1 + RANDOM % span))
  extra=$(awk -v r=$RANDOM 'BEGIN{printf "%.2f", 0.5 * r / 32767}')
  "${TUNE[@]}" --out "$W/killed" >/dev/null 2>"$W/killed.$k.log" &
  kill_at $! "$target" "$extra" finished
  echo "[kill-test-tune] kill $k at >= $target finished runs (+${extra}s): killed=$killed, $(finished) finished"
done
check "$hits of $KILLS kills hit a running tune" [ "$hits" = "$KILLS" ]
timeout "$RUN_TIMEOUT" "${TUNE[@]}" --out "$W/killed" >/dev/null 2>"$W/final.log"; rc=$?
check "final rerun exits 0" [ "$rc" = 0 ]
for f in recommended.json trials.csv tune.json; do
  check "$f byte-identical to the uninterrupted tune" cmp -s "$W/ref/$f" "$W/killed/$f"
done
check "no *.tmp left" [ -z "$(find "$W/killed" -name '*.tmp')" ]
finish
