#!/usr/bin/env bash
# check-peft-load.sh - do adapters LoraLab writes load in the real PEFT library and compute what LoraLab computes?
# For each tiny model folder of tests/LoraLab.Tests/Fixtures/hf it finetunes a few steps with LoraLab (inits a, b,
# pissa, olora; rsLoRA on one), merges the adapter with `loralab merge` (decoders), and runs
# tools/peft_load_check.py on it (PeftModel.from_pretrained: every tensor lands, scaling, effect, merged logits).
# MINILM=1 adds a MiniLM classification adapter checked against the Hub's sentence-transformers/all-MiniLM-L6-v2
# (needs internet; load and scaling only: LoraLab's mean-pooling head is not BertForSequenceClassification's).
# Ends with "check-peft-load: N passed, N failed"; exit 1 if any failed.
#
# Needs: a Release build (dotnet build LoraLab.slnx -c Release) and python3 with torch, transformers, peft,
# safetensors. NOT RUN YET: those libraries cannot be installed on the machine LoraLab is developed on.
# Knobs: PYTHON=python3  OUT=<folder> (default: a temporary one)  STEPS=3
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
STEPS=${STEPS:-3}
LORALAB=${LORALAB:-$PWD/src/LoraLab.Cli/bin/Release/net10.0/loralab}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/loralab-peft-check.XXXXXX")}
FX=tests/LoraLab.Tests/Fixtures/hf
mkdir -p "$OUT"
if ! "$PYTHON" -c "import torch, transformers, peft, safetensors"; then
    echo "check-peft-load: $PYTHON needs torch, transformers, peft and safetensors"; exit 2
fi
passed=0 failed=0

check() { # NAME MODEL TASK MERGE(yes|no) FINETUNE-FLAGS...
    local name=$1 model=$2 task=$3 merge=$4; shift 4
    local run=$OUT/$name extra=()  # the sentences of sst2-sample.csv: short enough for the fixtures' 64 positions
    [ "$task" = classify ] && extra=(--label-column label)
    if ! "$LORALAB" finetune --model "$model" --data data/examples/sst2-sample.csv --text-column text --task "$task" \
            "${extra[@]}" --steps "$STEPS" \
            --batch-size 4 --max-seq-len 32 --out "$run" "$@" > "$run.log" 2>&1; then
        echo "FAIL $name: loralab finetune failed (log: $run.log)"; failed=$((failed + 1)); return
    fi
    local merged=()
    if [ "$merge" = yes ]; then
        "$LORALAB" merge --model "$model" --adapter "$run/adapter" --out "$run/merged" >> "$run.log" 2>&1 \
            && merged=(--merged "$run/merged")
    fi
    local base=(--model "$model")
    [ "$model" = minilm ] && base=()  # the adapter's base_model_name_or_path: the Hub id
    if "$PYTHON" tools/peft_load_check.py "${base[@]}" --adapter "$run/adapter" "${merged[@]}"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
}

for arch in llama3 mistral qwen2 gpt2; do
    for init in a b pissa olora; do
        check "$arch-$init" "$FX/$arch" lm yes --init "$init"
    done
done
check llama3-rslora "$FX/llama3" lm yes --set lora.scaling=alpha-over-sqrt-r \
    --targets q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj
check roberta-a "$FX/roberta" classify no --init a
[ "${MINILM:-0}" = 1 ] && check minilm-a minilm classify no --init a
echo "check-peft-load: $passed passed, $failed failed (runs in $OUT)"
[ "$failed" = 0 ]
