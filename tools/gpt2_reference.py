"""Reference GPT-2 forward for data/tiny-gpt2-random-fixture, independent of our C# code and of HF transformers.

Reads model.safetensors by hand (u64 header length, JSON header, raw little-endian F32 data), runs the GPT-2
forward (HF modeling_gpt2.py semantics: pre-LN blocks, Conv1D weights stored (in, out), gelu_new, causal softmax
attention scaled by 1/sqrt(head_dim), final ln_f, logits tied to wte) in float64, and writes the fixture the C# test
reads. Also runs with the Conv1D weights multiplied by SCALE (see main). Run by hand with Debian's python3-torch:

    /usr/bin/python3 tools/gpt2_reference.py

It rewrites tests/LoraLab.Tests/Fixtures/tiny_gpt2_reference.json.
"""
import json
import math
import os
import struct

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIR = os.path.join(ROOT, "data", "tiny-gpt2-random-fixture")
OUT = os.path.join(ROOT, "tests", "LoraLab.Tests", "Fixtures", "tiny_gpt2_reference.json")
SCALE = 80.0
CONV1D = ("c_attn.weight", "c_proj.weight", "c_fc.weight")
TOKENS = [[20, 0, 5, 11, 3, 17, 9], [1, 2, 3, 4, 5, 6, 7]]


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    data = raw[8 + header_len :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        start, end = info["data_offsets"]
        count = (end - start) // 4
        values = struct.unpack("<%df" % count, data[start:end])
        tensors[name] = torch.tensor(values, dtype=torch.float64).reshape(info["shape"])
    return tensors


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)  # biased variance, as nn.LayerNorm
    return (x - mean) / torch.sqrt(var + eps) * w + b


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def forward(w, cfg, tokens):
    n_head, eps = cfg["n_head"], cfg["layer_norm_epsilon"]
    idx = torch.tensor(tokens)
    B, T = idx.shape
    x = w["wte.weight"][idx] + w["wpe.weight"][torch.arange(T)]  # (B, T, C)
    C = x.shape[-1]
    hd = C // n_head
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(cfg["n_layer"]):
        p = "h.%d." % i
        h = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]  # Conv1D: x @ W(in, out) + b
        q, k, v = qkv.split(C, dim=-1)
        q, k, v = (t.view(B, T, n_head, hd).transpose(1, 2) for t in (q, k, v))  # (B, nh, T, hd)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        x = x + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        h = gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    residual = x
    x = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"], eps)
    return residual, x, x @ w["wte.weight"].T  # residual before ln_f (B, T, C), hidden (B, T, C), logits (B, T, V)


def main():
    with open(os.path.join(MODEL_DIR, "config.json")) as f:
        cfg = json.load(f)
    assert cfg["activation_function"] == "gelu_new"
    weights = read_safetensors(os.path.join(MODEL_DIR, "model.safetensors"))
    _, hidden, logits = forward(weights, cfg, TOKENS)
    # The fixture's weights are ~N(0, 0.02): attention is then nearly uniform and gelu nearly linear, and with
    # n_embd = 2 the final LayerNorm erases almost everything but signs. So also run with the Conv1D weights
    # (c_attn, c_proj, c_fc) multiplied by SCALE (attention logits std ~0.8, gelu inputs ~1.5) and record the
    # residual stream before ln_f. The C# test scales its parameters the same way.
    scaled = {n: SCALE * t if n.endswith(CONV1D) else t for n, t in weights.items()}
    residual_scaled, _, logits_scaled = forward(scaled, cfg, TOKENS)
    fixture = {
        "format_version": 1,
        "generator": "tools/gpt2_reference.py (float64, torch %s)" % torch.__version__,
        "model": "data/tiny-gpt2-random-fixture",
        "tokens": TOKENS,
        "hidden": hidden.tolist(),
        "logits": logits.tolist(),
        "scale": SCALE,
        "scaled_weights": list(CONV1D),
        "residual_scaled": residual_scaled.tolist(),
        "logits_scaled": logits_scaled.tolist(),
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print("wrote", OUT, "logits shape", tuple(logits.shape), "sum %.9g" % logits.sum().item())


if __name__ == "__main__":
    main()
