#!/usr/bin/python3
"""PyTorch peer of LoraLab's stories260K LoRA step (benchmarks/LoraLab.Benchmarks/StoriesPeerBenchmark.cs), from
the state LoraLab exported (stories260K's weights, the LoRA factors on q_proj/v_proj, the batch): 16 × 256 tokens,
next-token cross-entropy, backward, torch.optim.AdamW (lr 1e-3, β2 0.999, weight decay 0.01).

    /usr/bin/python3 tools/peers/stories.py --state DIR/stories.safetensors [--check] [--threads 2]
"""
import torch
import torch.nn.functional as F

import common
from llama import Llama


def main():
    common.header()
    state, meta = common.read_safetensors(common.arg("--state"))
    tokens = state.pop("tokens")
    model = Llama(state, meta)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=0.01)
    x, y = tokens[:, :-1], tokens[:, 1:]

    def step():
        opt.zero_grad(set_to_none=True)
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        loss.backward()
        opt.step()
        return loss.item()

    if common.flag("--check"):
        for i in range(3):
            common.loss("stories-step", i, step())
        return
    b, t = x.shape
    s = model.s
    d, kv = s["model.embed_tokens.weight"].shape[1], s["model.layers.0.self_attn.k_proj.weight"].shape[0]
    hid, vocab = s["model.layers.0.mlp.gate_proj.weight"].shape[0], s["model.embed_tokens.weight"].shape[0]
    n = model.layers
    linears = 2.0 * n * (2 * d * d + 2 * d * kv + 3 * d * hid) + 2.0 * d * vocab
    attention = 4.0 * n * t / 2.0 * d
    gflop = b * t * (2 * linears + 3 * attention) / 1e9
    timing = common.measure(step, trials=5, warmup=2)
    tokens_per_s = b * t / (timing[0] / 1e3)
    common.result("stories-step", timing, f"{tokens_per_s:.0f} tokens/s; {common.peak_share(gflop, timing[0])}")


if __name__ == "__main__":
    main()
