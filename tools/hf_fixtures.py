"""Tiny random Hugging Face model folders + PEFT adapters + reference logits, one folder per architecture.

    /usr/bin/python3 tools/hf_fixtures.py tests/LoraLab.Tests/Fixtures/hf                      # this machine
    python3 tools/hf_fixtures.py tests/LoraLab.Tests/Fixtures/hf --use-transformers            # where HF libs exist

Each <arch>/ folder holds what a Hub download holds (config.json, model.safetensors or shards + index,
tokenizer.json, tokenizer_config.json), adapters in PEFT's file format (adapter_<name>/adapter_config.json +
adapter_model.safetensors, PEFT key names base_model.model.<module>.lora_A.weight), and reference.json: the token
ids of reference strings, and the logits (T, vocab) of one token sequence without and with each adapter.

Default path (no transformers/peft here): weights are seeded random tensors written by hand in safetensors layout,
and the logits come from the float64 re-implementations below of transformers' modeling_llama.py (with Mistral's
sliding-window mask and Qwen2's q/k/v biases), modeling_gpt2.py and modeling_roberta.py, written from those files,
not from LoraLab's C#. Adapters hold random non-zero A and B (as after training); adapted logits use W + s·B·A with
s = alpha/r, or alpha/sqrt(r) with use_rslora. The "pissa"/"olora" adapters (INIT_ADAPTERS) re-implement PEFT's
pissa_init/olora_init (SVD / QR of W): A and B are that init moved by a seeded step, and the adapted logits use the
residual W - s·B0·A0 that PEFT leaves in the base layer when it loads such an adapter onto the original weights.

--use-transformers (written for machines where transformers and peft can be installed; NOT RUN YET: they could
not be installed where LoraLab is developed): the same configs built with LlamaConfig / MistralConfig /
Qwen2Config / GPT2Config / RobertaConfig, save_pretrained, get_peft_model with init_lora_weights True, "gaussian",
"pissa", "olora" (use_rslora on one), A and B moved by a seeded step, each adapter saved as PEFT saves it by default
and, for pissa/olora, also converted with path_initial_model_for_weight_conversion (adapter_<init>-converted: rank
2r against the original weights), and logits from the real forward passes. The C# tests read whatever adapters
reference.json lists, so the regenerated folders are tested as they are.

The tokenizer is a byte-level BPE trained here on CORPUS (GPT-2's bytes_to_unicode, merges by pair frequency);
reference ids come from the encoder below (Python's `re` stands in for \\p{L}/\\p{N}: the reference strings keep to
letters, digits and symbols where both agree).
"""
import argparse
import json
import math
import os
import re
import shutil
import struct
import sys
from collections import Counter

import torch

CORPUS = """Once upon a time there was a little girl named Lily. She loved to play outside in the sunshine.
One day she saw a big red ball in the park. "Can I play with it?" she asked her mom. Her mom said yes!
The lower, newer, widest rivers don't flow uphill; they're lazy. I'm sure we'll see 2024 and 12345 again.
Café naïve résumé — déjà vu. 日本語のテキスト。Emoji 🙂 too.\tTabs\tand  double  spaces.
"""
REFERENCE_STRINGS = [
    "Once upon a time there was a little girl.",
    "The lower newer widest rivers don't flow; they're lazy!",
    "I'M SURE we'll see 2024 and 1234567 again.\n\nNew  lines\tand tabs  ",
    "Café naïve — déjà vu. 日本語 🙂",
    "",
]
MODEL_TEXT = "Once upon a time, Lily saw a ball."

GPT2_RE = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3_RE = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
             r"\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_RE = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
            r"\s*[\r\n]+|\s+(?!\S)|\s+")


def python_re(pattern):
    """The HF (Oniguruma) pattern in Python `re` terms: \\p{L} = [^\\W\\d_], \\p{N} = \\d."""
    p = pattern.replace(r"[^\r\n\p{L}\p{N}]", r"(?:[^\r\n\w]|_)").replace(r"[^\s\p{L}\p{N}]", r"(?:[^\s\w]|_)")
    return re.compile(p.replace(r"\p{L}", r"[^\W\d_]").replace(r"\p{N}", r"\d"))


# ---------------------------------------------------------------- byte-level BPE (GPT-2 encoder.py semantics)

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


B2U = bytes_to_unicode()


def byte_chars(word):
    return "".join(B2U[b] for b in word.encode("utf-8"))


def train_bpe(text, regex, n_merges):
    words = Counter(tuple(byte_chars(w)) for w in regex.findall(text))
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))  # most frequent, ties by the pair itself
        merges.append(best)
        new = Counter()
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new[tuple(out)] += c
        words = new
    return merges


class Bpe:
    def __init__(self, vocab, merges, regex, added, ignore_merges=False, nfc=False):
        self.vocab, self.ranks, self.regex = vocab, {m: i for i, m in enumerate(merges)}, regex
        self.added, self.ignore_merges, self.nfc = sorted(added, key=lambda t: -len(t[0])), ignore_merges, nfc

    def word(self, w):
        chars = byte_chars(w)
        if self.ignore_merges and chars in self.vocab:
            return [self.vocab[chars]]
        parts = list(chars)
        while len(parts) > 1:
            ranked = [(self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            rank, _ = min(ranked)
            if rank == 1 << 30:
                break
            pair = min(ranked)[1]
            a, b = parts[pair], parts[pair + 1]
            out, i = [], 0
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            parts = out
        return [self.vocab[p] for p in parts]

    def encode(self, text):
        import unicodedata
        ids, i, start = [], 0, 0
        segments = []
        while i < len(text):
            hit = next((t for t in self.added if text.startswith(t[0], i)), None)
            if hit:
                segments.append((text[start:i], None))
                segments.append(("", hit[1]))
                i += len(hit[0])
                start = i
            else:
                i += 1
        segments.append((text[start:], None))
        for seg, tid in segments:
            if tid is not None:
                ids.append(tid)
                continue
            if self.nfc:
                seg = unicodedata.normalize("NFC", seg)
            for w in self.regex.findall(seg):
                ids.extend(self.word(w))
        return ids


def make_tokenizer(kind, n_merges=120):
    """(tokenizer.json dict, tokenizer_config dict, Bpe, added tokens) for kind in gpt2, llama3, qwen2."""
    pattern = {"gpt2": GPT2_RE, "roberta": GPT2_RE, "llama3": LLAMA3_RE, "qwen2": QWEN2_RE}[kind]
    merges = train_bpe(CORPUS, python_re(pattern), n_merges)
    first = ["<s>", "<pad>", "</s>", "<unk>"] if kind == "roberta" else []  # RoBERTa's specials lead the vocab
    vocab = {c: i for i, c in enumerate(first + [B2U[b] for b in range(256)])}
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    specials = {"gpt2": ["<|endoftext|>"], "llama3": ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"],
                "qwen2": ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], "roberta": ["<mask>"]}[kind]
    added = [(t, i) for i, t in enumerate(first)] + [(t, len(vocab) + i) for i, t in enumerate(specials)]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    if kind in ("gpt2", "roberta"):
        pre = byte_level
    else:
        pre = {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Isolated", "invert": False},
            dict(byte_level, use_regex=False)]}
    post = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}
    if kind == "llama3":
        post = {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                           {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                         {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                         {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [added[0][1]],
                                                         "tokens": ["<|begin_of_text|>"]}}}
    if kind == "roberta":
        post = {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0], "trim_offsets": True,
                "add_prefix_space": False}
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": s, "single_word": False, "lstrip": s == "<mask>", "rstrip": False,
                          "normalized": False, "special": True} for s, i in added],
        "normalizer": {"type": "NFC"} if kind == "qwen2" else None,
        "pre_tokenizer": pre,
        "post_processor": post,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                  "ignore_merges": kind == "llama3", "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }
    config = {"gpt2": {"tokenizer_class": "GPT2Tokenizer", "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                       "add_prefix_space": False, "model_max_length": 64},
              "llama3": {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<|begin_of_text|>",
                         "eos_token": "<|eot_id|>", "model_max_length": 64},
              "qwen2": {"tokenizer_class": "Qwen2Tokenizer", "bos_token": None, "eos_token": "<|im_end|>",
                        "pad_token": "<|endoftext|>", "model_max_length": 64},
              "roberta": {"tokenizer_class": "RobertaTokenizer", "bos_token": "<s>", "eos_token": "</s>",
                          "sep_token": "</s>", "cls_token": "<s>", "pad_token": "<pad>", "unk_token": "<unk>",
                          "mask_token": "<mask>", "add_prefix_space": False, "model_max_length": 64}}[kind]
    bpe = Bpe(vocab, merges, python_re(pattern), added, ignore_merges=kind == "llama3", nfc=kind == "qwen2")
    return tok, config, bpe, len(vocab) + len(specials)


# ---------------------------------------------------------------- safetensors by hand

DTYPES = {torch.float32: ("F32", torch.int32), torch.float16: ("F16", torch.int16),
          torch.bfloat16: ("BF16", torch.int16)}


def save_safetensors(path, tensors, dtype=torch.float32):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    name, view = DTYPES[dtype]
    for key in sorted(tensors):
        t = tensors[key].detach().to(dtype).contiguous()
        raw = t.view(view).numpy().tobytes()
        header[key] = {"dtype": name, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def save_weights(folder, weights, dtype, shards):
    if shards == 1:
        save_safetensors(os.path.join(folder, "model.safetensors"), weights, dtype)
        return
    keys, weight_map = sorted(weights), {}
    per = math.ceil(len(keys) / shards)
    for s in range(shards):
        name = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        part = {k: weights[k] for k in keys[s * per:(s + 1) * per]}
        save_safetensors(os.path.join(folder, name), part, dtype)
        weight_map.update({k: name for k in part})
    total = sum(t.numel() * torch.tensor([], dtype=dtype).element_size() for t in weights.values())
    write_json(os.path.join(folder, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": weight_map})


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


# ---------------------------------------------------------------- float64 reference forwards

def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def llama3_inv_freq(inv_freq, s):
    """transformers modeling_rope_utils._compute_llama3_parameters."""
    old, low = s["original_max_position_embeddings"], s["low_freq_factor"]
    high, factor = s["high_freq_factor"], s["factor"]
    wavelen = 2 * math.pi / inv_freq
    out = torch.where(wavelen > old / low, inv_freq / factor, inv_freq)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * out / factor + smooth * out
    medium = ~(wavelen < old / high) & ~(wavelen > old / low)
    return torch.where(medium, smoothed, out)


def linear(x, w, p, name):
    y = x @ w[p + name + ".weight"].T
    return y + w[p + name + ".bias"] if p + name + ".bias" in w else y


def llama_forward(w, cfg, tokens):
    """LlamaForCausalLM / MistralForCausalLM / Qwen2ForCausalLM, eager attention, float64."""
    dim, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    nkv, eps, T = cfg.get("num_key_value_heads", nh), cfg["rms_norm_eps"], len(tokens)
    hd = cfg.get("head_dim") or dim // nh
    inv_freq = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    if cfg.get("rope_scaling"):
        inv_freq = llama3_inv_freq(inv_freq, cfg["rope_scaling"])
    emb = torch.cat([torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)] * 2, dim=-1)  # (T, hd)
    cos, sin = emb.cos(), emb.sin()
    i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
    mask = j <= i
    if cfg["model_type"] == "mistral" and cfg.get("sliding_window"):
        mask &= j > i - cfg["sliding_window"]  # transformers sliding_window_overlay
    x = w["model.embed_tokens.weight"][torch.tensor(tokens)]
    for layer in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % layer
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, w, p, "self_attn.q_proj").view(T, nh, hd).transpose(0, 1)
        k = linear(h, w, p, "self_attn.k_proj").view(T, nkv, hd).transpose(0, 1)
        v = linear(h, w, p, "self_attn.v_proj").view(T, nkv, hd).transpose(0, 1)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(nh // nkv, 0), v.repeat_interleave(nh // nkv, 0)
        att = ((q @ k.transpose(-2, -1)) / math.sqrt(hd)).masked_fill(~mask, float("-inf")).softmax(-1)
        x = x + linear((att @ v).transpose(0, 1).reshape(T, nh * hd), w, p, "self_attn.o_proj")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate, up = linear(h, w, p, "mlp.gate_proj"), linear(h, w, p, "mlp.up_proj")
        x = x + linear(torch.nn.functional.silu(gate) * up, w, p, "mlp.down_proj")
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
    return x @ head.T


def gpt2_forward(w, cfg, tokens):
    """GPT2LMHeadModel, float64; Conv1D weights are (in, out)."""
    T, C, nh = len(tokens), cfg["n_embd"], cfg["n_head"]
    ln = lambda x, p: torch.nn.functional.layer_norm(x, (C,), w[p + ".weight"], w[p + ".bias"],
                                                     cfg["layer_norm_epsilon"])
    conv = lambda x, p: x @ w[p + ".weight"] + w[p + ".bias"]
    x = w["transformer.wte.weight"][torch.tensor(tokens)] + w["transformer.wpe.weight"][:T]
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    for layer in range(cfg["n_layer"]):
        p = "transformer.h.%d." % layer
        q, k, v = conv(ln(x, p + "ln_1"), p + "attn.c_attn").split(C, -1)
        q, k, v = (t.view(T, nh, C // nh).transpose(0, 1) for t in (q, k, v))
        att = ((q @ k.transpose(-2, -1)) / math.sqrt(C // nh)).masked_fill(~mask, float("-inf")).softmax(-1)
        x = x + conv((att @ v).transpose(0, 1).reshape(T, C), p + "attn.c_proj")
        h = conv(ln(x, p + "ln_2"), p + "mlp.c_fc")
        h = 0.5 * h * (1 + torch.tanh(math.sqrt(2 / math.pi) * (h + 0.044715 * h.pow(3))))  # gelu_new
        x = x + conv(h, p + "mlp.c_proj")
    return ln(x, "transformer.ln_f") @ w["transformer.wte.weight"].T


def roberta_forward(w, cfg, batch):
    """RobertaModel last_hidden_state (B, T, H), float64: post-LN BERT layers, position ids from the padding mask
    (modeling_roberta create_position_ids_from_input_ids: cumsum(mask)·mask + padding_idx), exact-erf gelu."""
    H, nh, eps, pad = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"], cfg["pad_token_id"]
    ids = torch.tensor(batch)
    mask = ids.ne(pad).long()
    positions = torch.cumsum(mask, 1) * mask + pad
    ln = lambda x, p: torch.nn.functional.layer_norm(x, (H,), w[p + ".weight"], w[p + ".bias"], eps)
    lin = lambda x, p: x @ w[p + ".weight"].T + w[p + ".bias"]
    e = "roberta.embeddings."
    x = ln(w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][positions]
           + w[e + "token_type_embeddings.weight"][torch.zeros_like(ids)], e + "LayerNorm")
    B, T = ids.shape
    keep = mask.bool()[:, None, None, :]
    for layer in range(cfg["num_hidden_layers"]):
        p = "roberta.encoder.layer.%d." % layer
        heads = lambda t: t.view(B, T, nh, H // nh).transpose(1, 2)
        q, k, v = (heads(lin(x, p + "attention.self." + n)) for n in ("query", "key", "value"))
        att = ((q @ k.transpose(-2, -1)) / math.sqrt(H // nh)).masked_fill(~keep, float("-inf")).softmax(-1)
        a = lin((att @ v).transpose(1, 2).reshape(B, T, H), p + "attention.output.dense")
        x = ln(a + x, p + "attention.output.LayerNorm")
        h = torch.nn.functional.gelu(lin(x, p + "intermediate.dense"))
        x = ln(lin(h, p + "output.dense") + x, p + "output.LayerNorm")
    return x


def roberta_logits(w, cfg, batch):
    """RobertaForSequenceClassification: RobertaClassificationHead on <s> = out_proj(tanh(dense(h_0)))."""
    h = roberta_forward(w, cfg, batch)[:, 0]
    return torch.tanh(h @ w["classifier.dense.weight"].T + w["classifier.dense.bias"]) \
        @ w["classifier.out_proj.weight"].T \
        + w["classifier.out_proj.bias"]


# ---------------------------------------------------------------- architectures

ARCHS = {
    # Llama-3 shape: rope_scaling llama3, head_dim != hidden/heads, GQA, tied embeddings, BOS-adding tokenizer.
    "llama3": dict(tokenizer="llama3", dtype=torch.float32, shards=1, config=dict(
        model_type="llama", architectures=["LlamaForCausalLM"], hidden_size=48, intermediate_size=96,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=16,
        max_position_embeddings=64, rms_norm_eps=1e-5, rope_theta=500000.0, hidden_act="silu",
        rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                          original_max_position_embeddings=16),
        attention_bias=False, mlp_bias=False, tie_word_embeddings=True, torch_dtype="float32")),
    # Llama-2 shape (no rope_scaling, no head_dim, full MHA) with attention_bias (q, k, v and o) and mlp_bias
    # (gate, up, down), separate lm_head, F16 weights. Its tokenizer is the byte-level "llama3" one: Llama-2's
    # SentencePiece tokenizer.json is checked elsewhere (HfTokenizerJsonTests); this folder is about the layers.
    "llama-bias": dict(tokenizer="llama3", dtype=torch.float16, shards=1, config=dict(
        model_type="llama", architectures=["LlamaForCausalLM"], hidden_size=32, intermediate_size=64,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=64,
        rms_norm_eps=1e-6, rope_theta=10000.0, hidden_act="silu", attention_bias=True, mlp_bias=True,
        tie_word_embeddings=False, torch_dtype="float16")),
    # Mistral: sliding_window 4 < the 10-token reference sequence; no tied embeddings; sharded weights.
    "mistral": dict(tokenizer="llama3", dtype=torch.float32, shards=3, config=dict(
        model_type="mistral", architectures=["MistralForCausalLM"], hidden_size=32, intermediate_size=64,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1, max_position_embeddings=64,
        rms_norm_eps=1e-5, rope_theta=10000.0, hidden_act="silu", sliding_window=4, tie_word_embeddings=False,
        torch_dtype="float32")),
    # Qwen2: q/k/v biases, NFC normalizer, weights stored as BF16.
    "qwen2": dict(tokenizer="qwen2", dtype=torch.bfloat16, shards=1, config=dict(
        model_type="qwen2", architectures=["Qwen2ForCausalLM"], hidden_size=32, intermediate_size=64,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
        rms_norm_eps=1e-6, rope_theta=1000000.0, hidden_act="silu", use_sliding_window=False, sliding_window=32,
        max_window_layers=2, tie_word_embeddings=True, torch_dtype="bfloat16")),
    "gpt2": dict(tokenizer="gpt2", dtype=torch.float32, shards=1, config=dict(
        model_type="gpt2", architectures=["GPT2LMHeadModel"], n_embd=32, n_layer=2, n_head=4, n_positions=64,
        layer_norm_epsilon=1e-5, activation_function="gelu_new", torch_dtype="float32")),
    # RoBERTa (RobertaForSequenceClassification layout): positions offset by pad_token_id + 1, a padded batch.
    "roberta": dict(tokenizer="roberta", dtype=torch.float32, shards=1, config=dict(
        model_type="roberta", architectures=["RobertaForSequenceClassification"], hidden_size=32,
        num_hidden_layers=2, num_attention_heads=4, intermediate_size=64, max_position_embeddings=66,
        type_vocab_size=1, layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2, hidden_act="gelu",
        num_labels=2, torch_dtype="float32")),
}
ADAPTERS = {  # name: (targets, r, alpha, use_rslora, init_lora_weights written in the config)
    "llama3": {"default": (["q_proj", "v_proj"], 4, 8, False, True),
               "rslora": (["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
                          4, 8, True, True)},
    "llama-bias": {"default": (["o_proj", "down_proj"], 4, 8, False, True)},  # LoRA beside a bias
    "mistral": {"gaussian": (["q_proj", "k_proj", "v_proj", "o_proj"], 4, 16, False, "gaussian")},
    "qwen2": {"default": (["q_proj", "v_proj"], 2, 4, False, True)},
    "gpt2": {"default": (["c_attn", "c_proj"], 4, 8, False, True)},
    "roberta": {"default": (["query", "value"], 4, 8, False, True)},
}
# Adapters whose config says init_lora_weights "pissa"/"olora": PEFT loads them onto the ORIGINAL base weights and,
# before filling A and B from the file, runs the init again, which leaves W - s·B0·A0 in the base layer
# (peft_model.py save_pretrained: "self.load_adapter will subtract the decomposed values"). Made after the ones
# above so that their random draws, and so their files, stay as they were.
INIT_ADAPTERS = {
    # PiSSA's residual W - (rank-r SVD of W) moves by (float32 error)/(s_r - s_r+1): r = 8 has the widest gap of
    # these weights' singular values (>= 0.077; r = 4 has 0.006, where float32 SVDs disagree by 1e-4 in the logits).
    "llama3": {"pissa": (["q_proj", "v_proj"], 8, 16, False, "pissa")},
    "mistral": {"olora": (["q_proj", "v_proj"], 4, 16, False, "olora")},
    "gpt2": {"pissa": (["c_attn"], 4, 8, False, "pissa"), "olora": (["c_attn"], 2, 4, True, "olora")},
}


def llama_weights(cfg, vocab, g):
    d, hd = cfg["hidden_size"], cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    nh, nkv, ff = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["intermediate_size"]
    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias")
    rnd = lambda *s: torch.randn(*s, generator=g) * 0.2
    w = {"model.embed_tokens.weight": rnd(vocab, d), "model.norm.weight": 1 + rnd(d)}
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = rnd(vocab, d)
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        w.update({p + "input_layernorm.weight": 1 + rnd(d), p + "post_attention_layernorm.weight": 1 + rnd(d),
                  p + "self_attn.q_proj.weight": rnd(nh * hd, d), p + "self_attn.k_proj.weight": rnd(nkv * hd, d),
                  p + "self_attn.v_proj.weight": rnd(nkv * hd, d), p + "self_attn.o_proj.weight": rnd(d, nh * hd),
                  p + "mlp.gate_proj.weight": rnd(ff, d), p + "mlp.up_proj.weight": rnd(ff, d),
                  p + "mlp.down_proj.weight": rnd(d, ff)})
        if qkv_bias:
            w.update({p + "self_attn.q_proj.bias": rnd(nh * hd), p + "self_attn.k_proj.bias": rnd(nkv * hd),
                      p + "self_attn.v_proj.bias": rnd(nkv * hd)})
        if cfg["model_type"] != "qwen2" and cfg.get("attention_bias"):  # Llama's attention_bias: o_proj too
            w[p + "self_attn.o_proj.bias"] = rnd(d)
        if cfg.get("mlp_bias"):
            w.update({p + "mlp.gate_proj.bias": rnd(ff), p + "mlp.up_proj.bias": rnd(ff),
                      p + "mlp.down_proj.bias": rnd(d)})
    return w


def gpt2_weights(cfg, vocab, g):
    C, rnd = cfg["n_embd"], lambda *s: torch.randn(*s, generator=g) * 0.2
    w = {"transformer.wte.weight": rnd(vocab, C), "transformer.wpe.weight": rnd(cfg["n_positions"], C),
         "transformer.ln_f.weight": 1 + rnd(C), "transformer.ln_f.bias": rnd(C)}
    for i in range(cfg["n_layer"]):
        p = "transformer.h.%d." % i
        for name, (n_in, n_out) in {"attn.c_attn": (C, 3 * C), "attn.c_proj": (C, C), "mlp.c_fc": (C, 4 * C),
                                    "mlp.c_proj": (4 * C, C)}.items():
            w[p + name + ".weight"], w[p + name + ".bias"] = rnd(n_in, n_out), rnd(n_out)
        for ln in ("ln_1", "ln_2"):
            w[p + ln + ".weight"], w[p + ln + ".bias"] = 1 + rnd(C), rnd(C)
    return w


def roberta_weights(cfg, vocab, g):
    H, I, rnd = cfg["hidden_size"], cfg["intermediate_size"], lambda *s: torch.randn(*s, generator=g) * 0.2
    e = "roberta.embeddings."
    w = {e + "word_embeddings.weight": rnd(vocab, H),
         e + "position_embeddings.weight": rnd(cfg["max_position_embeddings"], H),
         e + "token_type_embeddings.weight": rnd(1, H), e + "LayerNorm.weight": 1 + rnd(H),
         e + "LayerNorm.bias": rnd(H),
         "roberta.pooler.dense.weight": rnd(H, H), "roberta.pooler.dense.bias": rnd(H),
         "classifier.dense.weight": rnd(H, H), "classifier.dense.bias": rnd(H),
         "classifier.out_proj.weight": rnd(2, H), "classifier.out_proj.bias": rnd(2)}
    for i in range(cfg["num_hidden_layers"]):
        p = "roberta.encoder.layer.%d." % i
        for name, (n_out, n_in) in {"attention.self.query": (H, H), "attention.self.key": (H, H),
                                    "attention.self.value": (H, H), "attention.output.dense": (H, H),
                                    "intermediate.dense": (I, H), "output.dense": (H, I)}.items():
            w[p + name + ".weight"], w[p + name + ".bias"] = rnd(n_out, n_in), rnd(n_out)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + ln + ".weight"], w[p + ln + ".bias"] = 1 + rnd(H), rnd(H)
    return w


def peft_init(w, r, scale, init):
    """PEFT's pissa_init / olora_init (tuners/lora/layer.py) on one (out, in) weight, in float64: the initial A (r, in)
    and B (out, r), and the residual W - scale·B·A the base layer keeps."""
    if init == "pissa":  # V, S, Uh = svd(W); A = sqrt(S_r/s)·Uh_r, B = V_r·sqrt(S_r/s)
        v, sv, uh = torch.linalg.svd(w, full_matrices=False)
        root = torch.sqrt(sv[:r] / scale)
        a, b = torch.diag(root) @ uh[:r], v[:, :r] @ torch.diag(root)
    else:  # olora: Q, R = qr(W); A = R[:r], B = Q[:, :r]
        q, rr = torch.linalg.qr(w)
        a, b = rr[:r], q[:, :r]
    return a, b, w - scale * (b @ a)


def adapter_config(arch, name, targets, r, alpha, rslora, init):
    return {"alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "loralab-fixture/tiny-" + arch,
            "bias": "none", "fan_in_fan_out": arch == "gpt2", "inference_mode": True, "init_lora_weights": init,
            "layers_pattern": None, "layers_to_transform": None, "lora_alpha": alpha, "lora_dropout": 0.0,
            "modules_to_save": None, "peft_type": "LORA", "r": r, "rank_pattern": {}, "revision": None,
            "target_modules": targets, "task_type": "SEQ_CLS" if arch == "roberta" else "CAUSAL_LM",
            "use_dora": False, "use_rslora": rslora}


def build_independent(out, arch, spec, g):
    folder = os.path.join(out, arch)
    os.makedirs(folder, exist_ok=True)
    tok, tok_config, bpe, vocab = make_tokenizer(spec["tokenizer"])
    cfg = dict(spec["config"], vocab_size=vocab)
    ids = {t: i for t, i in [(a["content"], a["id"]) for a in tok["added_tokens"]]}
    cfg.update(bos_token_id=ids.get("<|begin_of_text|>", ids.get("<|endoftext|>")),
               eos_token_id=ids.get("<|eot_id|>", ids.get("<|im_end|>", ids.get("<|endoftext|>"))))
    weights = {"gpt2": gpt2_weights, "roberta": roberta_weights}.get(arch, llama_weights)(cfg, vocab, g)
    weights = {k: v.to(spec["dtype"]).to(torch.float64) for k, v in weights.items()}  # the values as stored
    write_json(os.path.join(folder, "config.json"), cfg)
    save_weights(folder, weights, spec["dtype"], spec["shards"])
    write_json(os.path.join(folder, "tokenizer.json"), tok)
    write_json(os.path.join(folder, "tokenizer_config.json"), tok_config)
    forward = {"gpt2": gpt2_forward, "roberta": roberta_logits}.get(arch, llama_forward)
    tokens = bpe.encode(MODEL_TEXT)
    if spec["tokenizer"] == "llama3":
        tokens = [ids["<|begin_of_text|>"]] + tokens
    if arch == "roberta":  # <s> A </s>, and a shorter second row right-padded with <pad>
        short = [0] + bpe.encode("A ball.") + [2]
        tokens = [[0] + tokens + [2], short + [1] * (len(tokens) + 2 - len(short))]
    generator = "tools/hf_fixtures.py (independent float64 re-implementation, torch %s)" % torch.__version__
    reference = {"generator": generator,
                 "tokenizer_cases": [{"text": s, "ids": bpe.encode(s)} for s in REFERENCE_STRINGS],
                 "text": MODEL_TEXT, "tokens": tokens, "logits": rounded(forward(weights, cfg, tokens)), "adapters": {}}
    if arch == "roberta":  # last_hidden_state (B·T, H); rows at padding are HF's values there (positions = padding_idx)
        reference["hidden"] = rounded(roberta_forward(weights, cfg, tokens))
    for name, (targets, r, alpha, rslora, init) in [*ADAPTERS[arch].items(), *INIT_ADAPTERS.get(arch, {}).items()]:
        scale = alpha / math.sqrt(r) if rslora else alpha / r
        adapted, lora = dict(weights), {}
        for key in sorted(weights):
            module = key[: -len(".weight")]
            if not key.endswith(".weight") or module.split(".")[-1] not in targets or module.startswith("classifier"):
                continue
            w = weights[key].T if arch == "gpt2" else weights[key]  # (out, in); GPT-2's Conv1D stores (in, out)
            n_out, n_in = w.shape
            if init in ("pissa", "olora"):  # trained = PEFT's init moved by a seeded step; base = the residual
                a0, b0, w = peft_init(w, r, scale, init)
                a = a0 + (torch.randn(r, n_in, generator=g) * 0.1).to(torch.float64)
                b = b0 + (torch.randn(n_out, r, generator=g) * 0.1).to(torch.float64)
            else:
                a = (torch.randn(r, n_in, generator=g) * 0.3).to(torch.float64)
                b = (torch.randn(n_out, r, generator=g) * 0.3).to(torch.float64)
            lora["base_model.model.%s.lora_A.weight" % module] = a
            lora["base_model.model.%s.lora_B.weight" % module] = b
            merged = w + scale * (b @ a)  # (out, in)
            adapted[key] = merged.T if arch == "gpt2" else merged
        adir = os.path.join(folder, "adapter_" + name)
        os.makedirs(adir, exist_ok=True)
        write_json(os.path.join(adir, "adapter_config.json"),
                   adapter_config(arch, name, targets, r, alpha, rslora, init))
        save_safetensors(os.path.join(adir, "adapter_model.safetensors"), lora)
        reference["adapters"][name] = rounded(forward(adapted, cfg, tokens))
    with open(os.path.join(folder, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def rounded(t):
    return [[float("%.7g" % v) for v in row] for row in t.reshape(-1, t.shape[-1]).tolist()]


# ---------------------------------------------------------------- the same with transformers + peft

def build_with_transformers(out, arch, spec, seed):
    """The same folders made by transformers and PEFT themselves (not run yet: see the module docstring)."""
    import transformers
    from peft import LoraConfig, get_peft_model

    folder = os.path.join(out, arch)
    os.makedirs(folder, exist_ok=True)
    tok, tok_config, bpe, vocab = make_tokenizer(spec["tokenizer"])
    cfg = dict(spec["config"], vocab_size=vocab)
    added = {a["content"]: a["id"] for a in tok["added_tokens"]}
    cfg.update(bos_token_id=added.get("<|begin_of_text|>", added.get("<|endoftext|>", cfg.get("bos_token_id"))),
               eos_token_id=added.get("<|eot_id|>", added.get("<|im_end|>", added.get("<|endoftext|>",
                                                                                    cfg.get("eos_token_id")))))
    kind = {"llama": "LlamaConfig", "mistral": "MistralConfig", "qwen2": "Qwen2Config", "gpt2": "GPT2Config",
            "roberta": "RobertaConfig"}
    config = getattr(transformers, kind[cfg["model_type"]])(**{k: v for k, v in cfg.items() if k != "model_type"})
    classify = arch == "roberta"
    auto = transformers.AutoModelForSequenceClassification if classify else transformers.AutoModelForCausalLM
    torch.manual_seed(seed)
    model = auto.from_config(config).to(spec["dtype"]).eval()
    model.save_pretrained(folder, safe_serialization=True, max_shard_size="20KB" if spec["shards"] > 1 else "10GB")
    write_json(os.path.join(folder, "tokenizer.json"), tok)
    write_json(os.path.join(folder, "tokenizer_config.json"), tok_config)
    fast = transformers.PreTrainedTokenizerFast(tokenizer_file=os.path.join(folder, "tokenizer.json"))
    cases = [{"text": s, "ids": fast.encode(s, add_special_tokens=False)} for s in REFERENCE_STRINGS]
    tokens = fast.encode(MODEL_TEXT, add_special_tokens=True)
    if classify:  # <s> A </s>, and a shorter second row right-padded with <pad> (as the independent path)
        short = fast.encode("A ball.", add_special_tokens=True)
        tokens = [tokens, short + [cfg["pad_token_id"]] * (len(tokens) - len(short))]
        ids = torch.tensor(tokens)
        inputs = dict(input_ids=ids, attention_mask=ids.ne(cfg["pad_token_id"]).long())
    else:
        inputs = dict(input_ids=torch.tensor([tokens]))
    model = model.to(torch.float64)
    logits = lambda m: m(**inputs).logits if classify else m(**inputs).logits[0]
    with torch.no_grad():
        base = logits(model)
    reference = {"generator": "tools/hf_fixtures.py --use-transformers (transformers %s)" % transformers.__version__,
                 "tokenizer_cases": cases, "text": MODEL_TEXT, "tokens": tokens, "logits": rounded(base),
                 "adapters": {}}
    if classify:  # last_hidden_state (B·T, H)
        with torch.no_grad():
            reference["hidden"] = rounded(model(**inputs, output_hidden_states=True).hidden_states[-1])
    targets = next(iter(ADAPTERS[arch].values()))[0]
    for init in [True, "gaussian", "pissa", "olora"]:
        for rslora in ([False, True] if init is True else [False]):
            name = ("default" if init is True else init) + ("-rslora" if rslora else "")
            fresh = auto.from_pretrained(folder, torch_dtype=torch.float64).eval()
            lcfg = LoraConfig(r=4, lora_alpha=8, target_modules=targets, init_lora_weights=init, use_rslora=rslora,
                              fan_in_fan_out=arch == "gpt2", task_type="SEQ_CLS" if classify else "CAUSAL_LM")
            peft_model = get_peft_model(fresh, lcfg)
            init_dir = os.path.join(folder, "_initial_" + name)
            if init in ("pissa", "olora"):  # PEFT's recipe: save the initial adapter, convert against it at the end
                peft_model.peft_config["default"].init_lora_weights = True
                peft_model.save_pretrained(init_dir)
                peft_model.peft_config["default"].init_lora_weights = init
            g = torch.Generator().manual_seed(seed + 1)
            with torch.no_grad():
                for n, p in peft_model.named_parameters():
                    if "lora_B" in n or "lora_A" in n:  # "training": a seeded step, then float32 as saved
                        p.add_(torch.randn(p.shape, generator=g, dtype=p.dtype) * 0.1)
                        p.copy_(p.float().double())
                adapted = logits(peft_model)
            # As PEFT saves by default: for pissa/olora the config keeps the init name, so loading onto the
            # original base runs the init again and leaves the same residual in the base weights.
            peft_model.save_pretrained(os.path.join(folder, "adapter_" + name))
            reference["adapters"][name] = rounded(adapted)
            if init in ("pissa", "olora"):  # and converted: rank 2r, init True, relative to the original weights
                peft_model.save_pretrained(os.path.join(folder, "adapter_%s-converted" % name),
                                           path_initial_model_for_weight_conversion=init_dir)
                shutil.rmtree(init_dir)
                reference["adapters"][name + "-converted"] = rounded(adapted)
    with open(os.path.join(folder, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--use-transformers", action="store_true")
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    for arch, spec in ARCHS.items():
        if args.use_transformers:
            build_with_transformers(args.out, arch, spec, args.seed)
        else:
            build_independent(args.out, arch, spec, torch.Generator().manual_seed(args.seed + len(arch)))
        print("wrote", os.path.join(args.out, arch), file=sys.stderr)


if __name__ == "__main__":
    main()
