#!/usr/bin/python3
"""PyTorch peer of LoraLab's greedy generation (benchmarks/LoraLab.Benchmarks/GeneratePeerBenchmark.cs): stories260K
from LoraLab's export, the prompt "Once upon a time" as LoraLab tokenized it, 200 new tokens by argmax, no stop
token; once re-running the whole context per token (no cache, as LoraLab's Generator without a cache) and once with
a KV cache (prefill the prompt, then one position per token).

    /usr/bin/python3 tools/peers/generate.py --state DIR/generate.safetensors [--check] [--threads 2]
"""
import torch

import common
from llama import Llama

NEW_TOKENS = 200


def generate(model, prompt, cached):
    with torch.no_grad():
        ids = prompt.tolist()
        cache = [None] * model.layers if cached else None
        feed = prompt.unsqueeze(0)
        out = []
        for _ in range(NEW_TOKENS):
            logits = model(feed, cache) if cached else model(torch.tensor([ids]))
            nxt = int(logits[0, -1].argmax())
            out.append(nxt)
            ids.append(nxt)
            feed = torch.tensor([[nxt]])
        return out


def main():
    common.header()
    state, meta = common.read_safetensors(common.arg("--state"))
    prompt = state.pop("prompt")
    model = Llama(state, meta)
    model.eval()
    if common.flag("--check"):
        for cached in (False, True):
            print(f"TOKENS generate{'-cache' if cached else ''} {','.join(map(str, prompt.tolist()))} -> "
                  f"{','.join(map(str, generate(model, prompt, cached)))}")
        return
    for cached in (False, True):
        timing = common.measure(lambda: generate(model, prompt, cached), trials=3, warmup=0)
        common.result("generate-cache" if cached else "generate", timing,
                      f"{NEW_TOKENS / (timing[0] / 1e3):.0f} tokens/s ({NEW_TOKENS} tokens)")


if __name__ == "__main__":
    main()
