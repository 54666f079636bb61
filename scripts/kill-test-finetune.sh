#!/usr/bin/env bash
# kill-test-finetune.sh - a finetune survives kill -9: run a small real finetune (stories260K + LoRA on WikiText-2,
# LoRA dropout on so the RNG state matters) uninterrupted (reference), then run it again in a fresh folder, killing
# it with SIGKILL at random steps KILLS times (each restart is `loralab finetune --resume DIR`), then let it finish.
# Checks: every kill hit a running process, the resumed run exits 0, adapter_model.safetensors and metrics.jsonl are
# byte-identical to the reference, no *.tmp is left, at most keep_checkpoints checkpoints remain. Then the polite
# path: SIGTERM mid-run ends it with a checkpoint (exit 1, status "interrupted"), and --resume again ends identical.
# Ends with "kill-test-finetune: N passed, N failed". Every wait is bounded (RUN_TIMEOUT).
#
# Knobs: STEPS=30  KILLS=3  THREADS=1  RUN_TIMEOUT=300  SEED=$RANDOM  KEEP=0
#        LORALAB=<path to the loralab executable> (default: the Release build, built if missing)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STEPS=${STEPS:-30}
KILLS=${KILLS:-3}
THREADS=${THREADS:-1}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
SEED=${SEED:-$RANDOM}
LORALAB=${LORALAB:-$ROOT/src/LoraLab.Cli/bin/Release/net10.0/loralab}
W=$(mktemp -d "${TMPDIR:-/tmp}/loralab-kill-test-finetune.XXXXXX")
RANDOM=$SEED
NAME=kill-test-finetune
source "$ROOT/scripts/kill-test-lib.sh"
# A few seconds of real training: 30 steps of 4 × 64 tokens, a checkpoint every 3 steps, 2 kept.
SETS=(--set steps="$STEPS" --set batch_size=4 --set max_seq_len=64 --set eval_every=10 --set eval_batches=1
      --set data.max_train_examples=2000 --set data.max_eval_examples=32 --set checkpoint_every=3
      --set keep_checkpoints=2 --set threads="$THREADS" --set lora.dropout=0.1 --set seed=7)
FINETUNE=("$LORALAB" finetune --config configs/stories260k-wikitext2.json "${SETS[@]}")

# ---- reference: uninterrupted
t0=$EPOCHREALTIME
timeout "$RUN_TIMEOUT" "${FINETUNE[@]}" --out "$W/ref" >/dev/null 2>"$W/ref.log"; rc=$?
ref_s=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
check "uninterrupted run exits 0 (${ref_s}s)" [ "$rc" = 0 ]
echo "[kill-test-finetune] reference: $STEPS steps in ${ref_s}s; seed $SEED"

# ---- killed KILLS times at random steps, each life resuming the last
last_step() {
  grep -o '"kind":"train","step":[0-9]*' "$W/killed/metrics.jsonl" 2>/dev/null | tail -n 1 | grep -o '[0-9]*$' || echo 0
}
seen=0
for ((k = 1; k <= KILLS; k++)); do
  # A random step past every step logged so far (a resumed life re-logs from its checkpoint, so reaching the target
  # means it got further than the life before), spread so every kill leaves work to do; plus 0-0.2 s.
  left=$((STEPS - seen - 1))
  span=$((left / (KILLS - k + 1)))
  [ "$span" -lt 1 ] && span=1
  target=$((seen + 1 + RANDOM % span))
  extra=$(awk -v r=$RANDOM 'BEGIN{printf "%.2f", 0.2 * r / 32767}')
  # no 'timeout' wrapper here: $! must be the finetune itself (the kill bounds it)
  if [ "$k" = 1 ]; then
    "${FINETUNE[@]}" --out "$W/killed" >/dev/null 2>"$W/killed.$k.log" &
  else
    "$LORALAB" finetune --resume "$W/killed" >/dev/null 2>"$W/killed.$k.log" &
  fi
  kill_at $! "$target" "$extra" last_step
  seen=$(last_step)
  resumed=$(grep -o 'resumed from .*' "$W/killed.$k.log" | head -n 1)
  echo "[kill-test-finetune] kill $k at step >= $target (+${extra}s): killed=$killed," \
       "last logged step $seen${resumed:+; $resumed}"
done
check "$hits of $KILLS kills hit a running finetune" [ "$hits" = "$KILLS" ]
timeout "$RUN_TIMEOUT" "$LORALAB" finetune --resume "$W/killed" >/dev/null 2>"$W/final.log"; rc=$?
check "final --resume exits 0" [ "$rc" = 0 ]
grep -o 'resumed from .*' "$W/final.log" | sed 's/^/[kill-test-finetune] final life: /'

# ---- same bytes, nothing left over
check "adapter_model.safetensors byte-identical to the uninterrupted run" \
  cmp -s "$W/ref/adapter/adapter_model.safetensors" "$W/killed/adapter/adapter_model.safetensors"
check "metrics.jsonl byte-identical to the uninterrupted run" cmp -s "$W/ref/metrics.jsonl" "$W/killed/metrics.jsonl"
check "no *.tmp left" [ -z "$(find "$W/killed" -name '*.tmp')" ]
n=$(find "$W/killed/checkpoints" -name 'step-*.safetensors' | wc -l)
check "keep_checkpoints=2 respected (found $n)" [ "$n" -le 2 ]

# ---- SIGTERM: checkpoint at the current step and exit; --resume continues
"${FINETUNE[@]}" --out "$W/term" >/dev/null 2>"$W/term.log" &
pid=$!
for ((i = 0; i < RUN_TIMEOUT * 50; i++)); do
  grep -q '"kind":"train","step":10,' "$W/term/metrics.jsonl" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.02
done
kill -TERM "$pid"; wait "$pid"; rc=$?
check "SIGTERM: exit 1 with status interrupted" \
  bash -c "[ $rc = 1 ] && grep -q '\"status\": \"interrupted\"' '$W/term/result.json'"
timeout "$RUN_TIMEOUT" "$LORALAB" finetune --resume "$W/term" >/dev/null 2>>"$W/term.log"; rc=$?
check "SIGTERM: --resume exits 0 with the same adapter bytes" \
  bash -c "[ $rc = 0 ] && cmp -s '$W/ref/adapter/adapter_model.safetensors' '$W/term/adapter/adapter_model.safetensors'"
finish
