"""Check that an adapter LoraLab wrote loads in the real PEFT library and computes what LoraLab computes.

    pip install torch transformers peft safetensors        # where they can be installed (not on LoraLab's dev VM)
    bash scripts/check-peft-load.sh                          # LoraLab adapters for every fixture model, each checked
    python3 tools/peft_load_check.py --model MODEL --adapter DIR [--merged DIR2]

MODEL is a Hugging Face model folder or Hub id (default: the adapter's base_model_name_or_path); DIR an adapter folder
written by `loralab finetune` (DIR/adapter); DIR2 the folder `loralab merge --model MODEL --adapter DIR --out DIR2`
wrote. Checks, one line each, exit status 1 if any fails:

  load     PeftModel.from_pretrained(AutoModelFor<task>(MODEL), DIR) reports no unexpected key, and PEFT's own view of
           the adapter (get_peft_model_state_dict) has exactly the tensors of adapter_model.safetensors, bit for bit:
           the key names, target modules, ranks and modules_to_save LoraLab wrote are the ones PEFT builds
  scaling  every LoRA layer PEFT built has LoraLab's scaling (lora_alpha / r, or / sqrt(r) with use_rslora)
  effect   the adapter changes the logits (PEFT's adapted vs. disable_adapter())
  merged   (with --merged) transformers loads LoraLab's merged folder; its logits equal PEFT's adapted logits
           (1e-4, F32) and its weights PEFT's merge_and_unload() (1e-5, F32; 16-bit folders: to their rounding)

Adapters with init_lora_weights "pissa"/"olora" make PEFT recompute the init on load and subtract it from the base
weights (peft_model.py: "self.load_adapter will subtract the decomposed values"); LoraLab writes them for that.
A classification adapter is checked with AutoModelForSequenceClassification; its logits match only where LoraLab's
head is HF's (RoBERTa's classifier on <s>; MiniLM's default mean pooling is not BertForSequenceClassification's).

This script has not been run by LoraLab's authors: transformers and peft could not be installed on the machine the
project is developed on (no internet; not in its package registries). What was checked there instead is in
tests/LoraLab.Tests/Fixtures/hf/README.md.
"""
import argparse
import json
import math
import os
import sys

import torch
from safetensors.torch import load_file


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adapter", required=True, help="adapter folder (adapter_config.json + safetensors)")
    parser.add_argument("--model", help="base model folder or Hub id (default: the adapter's base_model_name_or_path)")
    parser.add_argument("--merged", help="the folder `loralab merge` wrote for this model and adapter")
    parser.add_argument("--text", default="Once upon a time, Lily saw a ball.")
    args = parser.parse_args()

    import transformers
    from peft import PeftModel
    from peft.tuners.lora import LoraLayer
    from peft.utils import get_peft_model_state_dict

    with open(os.path.join(args.adapter, "adapter_config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model_id = args.model or config["base_model_name_or_path"]
    tensors = load_file(os.path.join(args.adapter, "adapter_model.safetensors"))
    failures = []

    def report(name, ok, detail):
        print("%s %-8s %s" % ("PASS" if ok else "FAIL", name, detail))
        if not ok:
            failures.append(name)

    classify = config.get("task_type") == "SEQ_CLS"
    if classify:
        labels = os.path.join(args.adapter, "label_map.json")
        if os.path.exists(labels):
            with open(labels, encoding="utf-8") as f:
                label_map = json.load(f)
            num_labels = len(label_map["id2label"])  # LoraLab's label_map.json: HF's id2label/label2id form
        else:  # the saved head's output rows
            num_labels = next(t.shape[0] for k, t in tensors.items() if k.endswith("out_proj.weight")
                              or k.endswith("classifier.weight"))
        auto = lambda path: transformers.AutoModelForSequenceClassification.from_pretrained(
            path, num_labels=num_labels, torch_dtype=torch.float32)
    else:
        auto = lambda path: transformers.AutoModelForCausalLM.from_pretrained(path, torch_dtype=torch.float32)

    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(model_id)
    except (OSError, ValueError, KeyError):  # a folder with only tokenizer.json (LoraLab's test fixtures)
        tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_file=os.path.join(model_id, "tokenizer.json"))
    ids = torch.tensor([tokenizer(args.text)["input_ids"]])

    # One load, as users load: a second one would run PiSSA/OLoRA's subtraction from the base weights twice.
    torch.manual_seed(0)  # a classification head PEFT does not overwrite would be random: make it repeatable
    peft_model = PeftModel.from_pretrained(auto(model_id), args.adapter).eval()
    # What PEFT's save_pretrained would write for this adapter (LoraLab never targets embeddings; "auto" would look
    # the base model up, on the Hub if need be)
    state = get_peft_model_state_dict(peft_model, adapter_name="default", save_embedding_layers=False)
    missing = sorted(set(tensors) - set(state))  # a key PEFT has no parameter for (else from_pretrained warns)
    extra = sorted(set(state) - set(tensors))  # a parameter PEFT built that the file does not fill
    differ = sorted(k for k in set(tensors) & set(state) if not torch.equal(tensors[k].to(state[k].dtype), state[k]))
    report("load", not (missing or extra or differ),
           "%d tensors; not built by PEFT %s, built but not in the file %s, values differ %s"
           % (len(tensors), missing[:3], extra[:3], differ[:3]))

    layers = [(n, m) for n, m in peft_model.named_modules() if isinstance(m, LoraLayer) and "default" in m.scaling]
    def expected(name):
        r = config.get("rank_pattern", {}).get(name.split(".")[-1], config["r"])
        alpha = config.get("alpha_pattern", {}).get(name.split(".")[-1], config["lora_alpha"])
        return alpha / math.sqrt(r) if config.get("use_rslora") else alpha / r
    wrong = [n for n, m in layers if abs(m.scaling["default"] - expected(n)) > 1e-12]
    report("scaling", bool(layers) and not wrong, "%d LoRA layers; wrong scaling on %s" % (len(layers), wrong[:3]))

    with torch.no_grad():
        adapted = peft_model(input_ids=ids).logits
        with peft_model.disable_adapter():
            base = peft_model(input_ids=ids).logits
    report("effect", (adapted - base).abs().max().item() > 1e-6,
           "max |adapted - base| logit %.3g" % (adapted - base).abs().max().item())

    if args.merged:
        merged = auto(args.merged).eval()
        with open(os.path.join(args.merged, "config.json"), encoding="utf-8") as f:
            dtype = json.load(f).get("torch_dtype", "float32")
        with torch.no_grad():
            logits = merged(input_ids=ids).logits
        unloaded = peft_model.merge_and_unload().state_dict()
        ours = merged.state_dict()
        cast = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype]
        common = [k for k in ours if k in unloaded]
        weight_gap = max(((unloaded[k].to(cast).float() - ours[k].float()).abs().max().item() for k in common),
                         default=math.inf)
        tol = (1e-4, 1e-5) if dtype == "float32" else (5e-2, 1e-2)  # 16-bit: a rounding step may differ
        gap = (logits - adapted).abs().max().item()
        report("merged", gap <= tol[0] and weight_gap <= tol[1],
               "%s folder, %d weights: max |logit gap| %.3g (tolerance %g), max |weight gap| %.3g (tolerance %g)"
               % (dtype, len(common), gap, tol[0], weight_gap, tol[1]))

    print("%s: %s" % (args.adapter, "all checks passed" if not failures else "FAILED " + ", ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
