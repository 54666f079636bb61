"""Checks that a Hugging Face Llama folder written by LoraLab is read correctly by HF Llama semantics.

An independent float64 re-implementation of transformers' LlamaForCausalLM forward (modeling_llama.py: RMSNorm,
rotate_half RoPE, grouped-query attention, SwiGLU MLP, tied or separate lm_head) reads config.json and
model.safetensors (or the shards of model.safetensors.index.json) by hand and runs "Once upon a time"
([1, 403, 407, 261, 378]). For stories260K the logits must match data/SOURCES.md §1a, which came from llama2.c's
interleaved-RoPE forward on the original .bin: so this shows the wq/wk row permutation at conversion is right.

    loralab convert-llama2c data/stories260K/stories260K.bin /tmp/stories260K-hf
    /usr/bin/python3 tools/llama_hf_reference.py /tmp/stories260K-hf
"""
import json
import os
import struct
import sys

import torch

TOKENS = [1, 403, 407, 261, 378]
# SOURCES.md §1a: (position, argmax id, its logit, logsumexp)
EXPECTED = [(0, 403, 17.0235, 17.2673), (1, 407, 18.4600, 18.4775), (2, 261, 17.1370, 17.1491),
            (3, 378, 18.8744, 18.8751), (4, 432, 17.7994, 17.8311)]


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header, data = json.loads(raw[8 : 8 + n]), raw[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name
        a, b = info["data_offsets"]
        values = struct.unpack("<%df" % ((b - a) // 4), data[a:b])
        out[name] = torch.tensor(values, dtype=torch.float64).reshape(info["shape"])
    return out


def read_weights(folder):
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return read_safetensors(single)
    with open(os.path.join(folder, "model.safetensors.index.json")) as f:
        weight_map = json.load(f)["weight_map"]
    weights = {}
    for shard in sorted(set(weight_map.values())):
        weights.update(read_safetensors(os.path.join(folder, shard)))
    assert set(weights) == set(weight_map), "index and shards disagree"
    return weights


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def forward(w, cfg, tokens):
    dim, n_heads = cfg["hidden_size"], cfg["num_attention_heads"]
    n_kv, eps = cfg.get("num_key_value_heads", n_heads), cfg["rms_norm_eps"]
    hd, T = dim // n_heads, len(tokens)
    inv_freq = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)  # (T, hd), HF LlamaRotaryEmbedding
    cos, sin = emb.cos(), emb.sin()
    x = w["model.embed_tokens.weight"][torch.tensor(tokens)]  # (T, dim)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(T, n_heads, hd).transpose(0, 1)  # (nh, T, hd)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(T, n_kv, hd).transpose(0, 1)  # (nkv, T, hd)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(T, n_kv, hd).transpose(0, 1)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(n_heads // n_kv, 0), v.repeat_interleave(n_heads // n_kv, 0)  # HF repeat_kv
        att = ((q @ k.transpose(-2, -1)) / hd**0.5).masked_fill(~mask, float("-inf")).softmax(-1)
        x = x + (att @ v).transpose(0, 1).reshape(T, dim) @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate, up = h @ w[p + "mlp.gate_proj.weight"].T, h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return x @ head.T  # (T, vocab)


def main(folder):
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    logits = forward(read_weights(folder), cfg, TOKENS)
    worst = 0.0
    for pos, top, top_logit, lse in EXPECTED:
        got_top = int(logits[pos].argmax())
        got_logit, got_lse = float(logits[pos, top]), float(logits[pos].logsumexp(0))
        worst = max(worst, abs(got_logit - top_logit), abs(got_lse - lse))
        print("pos %d: top %d (expect %d) logit %.4f (expect %.4f) lse %.4f (expect %.4f)"
              % (pos, got_top, top, got_logit, top_logit, got_lse, lse))
        assert got_top == top
    print("max |diff| = %.2e -> %s" % (worst, "OK" if worst < 1e-3 else "MISMATCH"))
    return 0 if worst < 1e-3 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
