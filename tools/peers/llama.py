"""A Llama-2 decoder in plain PyTorch over LoraLab's exported state dict (HF names; PEFT's LoRA names for adapted
projections: q_proj.base_layer.weight, q_proj.lora_A.weight, q_proj.lora_B.weight): RMSNorm, rotate_half RoPE
(LoraLab's HalfSplit layout, as transformers' modeling_llama.py), grouped-query attention with an explicit causal
mask (torch 1.13 has no fused attention), SwiGLU MLP, tied or separate head. forward(tokens, cache=None): with a
cache (a list of per-layer (k, v), grown in place) only the new positions are computed.
"""
import math

import torch
import torch.nn.functional as F


class Llama(torch.nn.Module):
    def __init__(self, s, meta, lora_scale=2.0):
        super().__init__()
        assert meta.get("rope_layout", "HalfSplit") == "HalfSplit", meta
        self.s = s
        self.heads, self.kv_heads = int(meta["n_heads"]), int(meta["n_kv_heads"])
        self.eps, self.theta = float(meta["norm_eps"]), float(meta["rope_theta"])
        self.layers = sum(1 for k in s if k.endswith("input_layernorm.weight"))
        self.lora_scale = lora_scale
        self.lora = torch.nn.ParameterDict()
        for k in list(s):
            if ".lora_" in k:
                self.lora[k.replace(".", "_")] = torch.nn.Parameter(s.pop(k).clone())

    def proj(self, x, name):
        s = self.s
        if name + ".weight" in s:
            return F.linear(x, s[name + ".weight"])
        key = name.replace(".", "_")
        a, b = self.lora[key + "_lora_A_weight"], self.lora[key + "_lora_B_weight"]
        return F.linear(x, s[name + ".base_layer.weight"]) + self.lora_scale * F.linear(F.linear(x, a), b)

    def norm(self, x, name):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.s[name + ".weight"]

    def rope(self, x, start):                                                  # (B, h, T, hd)
        t, hd = x.shape[2], x.shape[3]
        inv = 1.0 / self.theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd)
        angles = torch.outer(torch.arange(start, start + t, dtype=torch.float64), inv).to(x.dtype)
        cos, sin = angles.cos(), angles.sin()
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)

    def forward(self, tokens, cache=None):
        s = self.s
        b, t = tokens.shape
        start = cache[0][0].shape[2] if cache and cache[0] is not None else 0
        x = F.embedding(tokens, s["model.embed_tokens.weight"])
        hd = x.shape[-1] // self.heads
        for i in range(self.layers):
            p = f"model.layers.{i}."
            h = self.norm(x, p + "input_layernorm")
            q = self.proj(h, p + "self_attn.q_proj").view(b, t, self.heads, hd).transpose(1, 2)
            k = self.proj(h, p + "self_attn.k_proj").view(b, t, self.kv_heads, hd).transpose(1, 2)
            v = self.proj(h, p + "self_attn.v_proj").view(b, t, self.kv_heads, hd).transpose(1, 2)
            q, k = self.rope(q, start), self.rope(k, start)
            if cache is not None:
                if cache[i] is not None:
                    k, v = torch.cat([cache[i][0], k], 2), torch.cat([cache[i][1], v], 2)
                cache[i] = (k, v)
            g = self.heads // self.kv_heads
            k, v = k.repeat_interleave(g, 1), v.repeat_interleave(g, 1)
            scores = q @ k.transpose(-1, -2) / math.sqrt(hd)                   # (B, h, t, start + t)
            if t > 1:
                causal = torch.ones(t, start + t, dtype=torch.bool).triu(start + 1)
                scores = scores.masked_fill(causal, float("-inf"))
            y = (torch.softmax(scores, -1) @ v).transpose(1, 2).reshape(b, t, -1)
            x = x + self.proj(y, p + "self_attn.o_proj")
            h = self.norm(x, p + "post_attention_layernorm")
            gate, up = self.proj(h, p + "mlp.gate_proj"), self.proj(h, p + "mlp.up_proj")
            x = x + self.proj(F.silu(gate) * up, p + "mlp.down_proj")
        x = self.norm(x, "model.norm")
        return F.linear(x, s["lm_head.weight"] if "lm_head.weight" in s else s["model.embed_tokens.weight"])
