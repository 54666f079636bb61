#!/usr/bin/python3
"""PyTorch peer of LoraLab's MiniLM workload (benchmarks/LoraLab.Benchmarks/MiniLmPeerBenchmark.cs), from the state
LoraLab exported: all-MiniLM-L6-v2 as Hugging Face's BertModel computes it (post-LN layers, erf GELU, dropout on
the attention probabilities and after each dense, eager attention: torch 1.13 has no fused attention), PEFT's LoRA on
query/value (y = W x + b + s·B(A(x)), s = α/r), mean pooling over the attention mask, dropout, a 2-way linear head;
cross-entropy, backward, torch.optim.AdamW (lr 1e-4, weight decay 0.01). Timed step = zero_grad + forward + backward
+ step, as LoraLab's.

    /usr/bin/python3 tools/peers/minilm.py --state DIR/minilm.safetensors [--check] [--threads 2]

--check: dropout off, lr 1e-3, prints the first three losses (scripts/bench-peers.sh compares them with LoraLab's).
"""
import math

import torch
import torch.nn.functional as F

import common


class Lora(torch.nn.Module):
    """A frozen nn.Linear plus PEFT's LoRA branch: W x + b + s·B(A(x))."""

    def __init__(self, w, b, a, bb, scale):
        super().__init__()
        self.w, self.b = w, b
        self.a, self.bb = torch.nn.Parameter(a.clone()), torch.nn.Parameter(bb.clone())
        self.scale = scale

    def forward(self, x):
        return F.linear(x, self.w, self.b) + self.scale * F.linear(F.linear(x, self.a), self.bb)


class MiniLm(torch.nn.Module):
    def __init__(self, s, heads, eps, dropout, scale):
        super().__init__()
        self.s, self.heads, self.eps, self.p = s, heads, eps, dropout
        self.layers = sum(1 for k in s if k.endswith("attention.self.query.base_layer.weight"))
        self.lora = torch.nn.ModuleDict()
        for i in range(self.layers):
            for name in ("query", "value"):
                pre = f"bert.encoder.layer.{i}.attention.self.{name}."
                self.lora[f"{i}_{name}"] = Lora(s[pre + "base_layer.weight"], s[pre + "base_layer.bias"],
                                                s[pre + "lora_A.weight"], s[pre + "lora_B.weight"], scale)
        self.head_w = torch.nn.Parameter(s["classifier.weight"].clone())
        self.head_b = torch.nn.Parameter(s["classifier.bias"].clone())

    def linear(self, x, name):
        return F.linear(x, self.s[name + ".weight"], self.s[name + ".bias"])

    def norm(self, x, name):
        return F.layer_norm(x, x.shape[-1:], self.s[name + ".weight"], self.s[name + ".bias"], self.eps)

    def drop(self, x):
        return F.dropout(x, self.p, self.training)

    def forward(self, ids, mask):
        s, e = self.s, "bert.embeddings."
        bsz, t = ids.shape
        x = F.embedding(ids, s[e + "word_embeddings.weight"]) + s[e + "token_type_embeddings.weight"][0] \
            + s[e + "position_embeddings.weight"][:t]
        x = self.drop(self.norm(x, e + "LayerNorm"))                            # (B, T, H)
        h = x.shape[-1]
        hd = h // self.heads
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min  # HF's additive key mask
        for i in range(self.layers):
            pre = f"bert.encoder.layer.{i}."
            split = lambda y: y.view(bsz, t, self.heads, hd).transpose(1, 2)  # (B, nh, T, hd)
            q = split(self.lora[f"{i}_query"](x))
            k = split(self.linear(x, pre + "attention.self.key"))
            v = split(self.lora[f"{i}_value"](x))
            probs = self.drop(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1))
            y = (probs @ v).transpose(1, 2).reshape(bsz, t, h)
            a = self.drop(self.linear(y, pre + "attention.output.dense"))
            a = self.norm(a + x, pre + "attention.output.LayerNorm")
            f = F.gelu(self.linear(a, pre + "intermediate.dense"))
            x = self.norm(self.drop(self.linear(f, pre + "output.dense")) + a, pre + "output.LayerNorm")
        m = mask.to(x.dtype).unsqueeze(-1)
        pooled = (x * m).sum(1) / m.sum(1).clamp_min(1e-9)                      # (B, H)
        return F.linear(self.drop(pooled), self.head_w, self.head_b)           # (B, 2)


def main():
    common.header()
    check = common.flag("--check")
    state, meta = common.read_safetensors(common.arg("--state"))
    ids, labels = state.pop("input_ids"), state.pop("labels")
    mask = torch.ones_like(ids)
    model = MiniLm(state, int(meta["num_heads"]), float(meta["layer_norm_eps"]), 0.0 if check else 0.1, 16 / 8)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3 if check else 1e-4, weight_decay=0.01)
    model.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids, mask), labels)
        loss.backward()
        opt.step()
        return loss.item()

    if check:
        for i in range(3):
            common.loss("minilm-step", i, step())
        return
    b, t = ids.shape
    h, inter, layers = 384, 1536, model.layers
    per_token = 2.0 * (4 * h * h + 2 * h * inter)
    fwd = layers * b * t * (per_token + 4.0 * t * h) / 1e9
    gflop = fwd + layers * b * t * (per_token + 8.0 * t * h) / 1e9
    timing = common.measure(step, trials=3, warmup=1)
    common.result("minilm-step", timing, common.peak_share(gflop, timing[0]))
    model.eval()

    def forward():
        with torch.no_grad():
            model(ids, mask)
    f = common.measure(forward, trials=3, warmup=0)
    common.result("minilm-forward", f, common.peak_share(fwd, f[0]))


if __name__ == "__main__":
    main()
