using LoraLab.Core;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LoraLab.Models.Llama;

// A Llama-2 decoder (Touvron et al. 2023) read top to bottom like nanoGPT's model.py: RMSNorm → RoPE → attention
// with grouped-query heads → SwiGLU MLP → block → model. References: llama2.c model.py / run.c and HF
// transformers modeling_llama.py. State-dict keys are HF's (model.layers.0.self_attn.q_proj.weight, ...), so PEFT
// targets ("q_proj", "v_proj") and PEFT adapter names carry over unchanged.

/// <summary>Llama-2 causal language model: token ids (B, T) long → logits (B, T, vocab).</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor>
{
    /// <summary>x / sqrt(mean(x²) + eps) · weight, over the last dimension, no bias (Zhang &amp; Sennrich 2019).</summary>
    internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "weight")] private readonly Parameter _weight;
        private readonly double _eps;

        public RmsNorm(int dim, double eps) : base(nameof(RmsNorm))
        {
            _weight = nn.Parameter(ones(dim));
            _eps = eps;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) // (B, T, C) → (B, T, C)
        {
            var meanSquare = x.pow(2).mean([-1], keepdim: true); // (B, T, 1)
            return x * rsqrt(meanSquare + _eps) * _weight;
        }
    }

    /// <summary>
    /// Rotary position embedding (Su et al. 2021): rotates channel pairs of q and k by pos·θ_i, θ_i = base^(−2i/hd).
    /// Tables are rebuilt per call: cheap next to the matmuls, and nothing to keep in the state dict.
    /// </summary>
    internal static class RotaryEmbedding
    {
        public static Tensor Apply(Tensor x, double theta, RopeLayout layout) // (B, H, T, hd) → (B, H, T, hd)
        {
            var (t, hd) = (x.shape[2], x.shape[3]);
            var invFreq = 1.0 / pow(theta, arange(0, hd, 2, float64, x.device) / hd); // (hd/2,)
            var angles = outer(arange(t, dtype: float64, device: x.device), invFreq).to(x.dtype); // (T, hd/2)
            var (cos, sin) = (angles.cos(), angles.sin());
            return layout switch
            {
                RopeLayout.HalfSplit => RotateHalfSplit(x, cos, sin),
                RopeLayout.Interleaved => RotateInterleaved(x, cos, sin),
            };
        }

        // HF rotate_half: (x1, x2) = halves of the head; (x1, x2) → (x1·cos − x2·sin, x2·cos + x1·sin).
        private static Tensor RotateHalfSplit(Tensor x, Tensor cos, Tensor sin)
        {
            var halves = x.chunk(2, -1); // 2 × (B, H, T, hd/2)
            var (x1, x2) = (halves[0], halves[1]);
            return cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1); // (B, H, T, hd)
        }

        // llama2.c run.c: (x[2i], x[2i+1]) → (x0·cos − x1·sin, x0·sin + x1·cos).
        private static Tensor RotateInterleaved(Tensor x, Tensor cos, Tensor sin)
        {
            var pairs = x.unflatten(3, [x.shape[3] / 2, 2]); // (B, H, T, hd/2, 2)
            var (x0, x1) = (pairs.select(-1, 0), pairs.select(-1, 1)); // (B, H, T, hd/2) each
            return stack([x0 * cos - x1 * sin, x0 * sin + x1 * cos], -1).flatten(-2); // (B, H, T, hd)
        }
    }

    /// <summary>Causal self-attention; n_heads/n_kv_heads query heads share each key/value head (GQA).</summary>
    internal sealed class Attention : nn.Module<Tensor, Tensor>
    {
        // Typed Module<Tensor, Tensor> (not Linear) so LoraInjector can swap in a LoraLinear.
        [ComponentName(Name = "q_proj")] private nn.Module<Tensor, Tensor> _qProj;
        [ComponentName(Name = "k_proj")] private nn.Module<Tensor, Tensor> _kProj;
        [ComponentName(Name = "v_proj")] private nn.Module<Tensor, Tensor> _vProj;
        [ComponentName(Name = "o_proj")] private nn.Module<Tensor, Tensor> _oProj;
        private readonly LlamaConfig _cfg;

        public Attention(LlamaConfig cfg) : base(nameof(Attention))
        {
            var kvDim = cfg.NKvHeads * cfg.HeadDim;
            _qProj = nn.Linear(cfg.Dim, cfg.Dim, hasBias: false);
            _kProj = nn.Linear(cfg.Dim, kvDim, hasBias: false);
            _vProj = nn.Linear(cfg.Dim, kvDim, hasBias: false);
            _oProj = nn.Linear(cfg.Dim, cfg.Dim, hasBias: false);
            _cfg = cfg;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) // (B, T, C) → (B, T, C)
        {
            var (b, t, hd) = (x.shape[0], x.shape[1], (long)_cfg.HeadDim);
            var q = _qProj.forward(x).view(b, t, _cfg.NHeads, hd).transpose(1, 2); // (B, nh, T, hd)
            var k = _kProj.forward(x).view(b, t, _cfg.NKvHeads, hd).transpose(1, 2); // (B, nkv, T, hd)
            var v = _vProj.forward(x).view(b, t, _cfg.NKvHeads, hd).transpose(1, 2); // (B, nkv, T, hd)
            q = RotaryEmbedding.Apply(q, _cfg.RopeTheta, _cfg.RopeLayout);
            k = RotaryEmbedding.Apply(k, _cfg.RopeTheta, _cfg.RopeLayout);
            // Query head h reads key/value head h / (nh/nkv), as in llama2.c: repeat each kv head nh/nkv times.
            var groups = _cfg.NHeads / _cfg.NKvHeads;
            k = k.repeat_interleave(groups, dim: 1); // (B, nh, T, hd)
            v = v.repeat_interleave(groups, dim: 1); // (B, nh, T, hd)
            // softmax(q·kᵀ/√hd + causal mask)·v; the default scale of libtorch's SDPA is 1/√hd.
            var y = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true); // (B, nh, T, hd)
            y = y.transpose(1, 2).contiguous().view(b, t, _cfg.NHeads * hd); // (B, T, C)
            return _oProj.forward(y);
        }
    }

    /// <summary>SwiGLU MLP (Shazeer 2020): down(silu(gate(x)) ⊙ up(x)); llama2.c w1 = gate, w3 = up, w2 = down.</summary>
    internal sealed class FeedForward : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "gate_proj")] private nn.Module<Tensor, Tensor> _gateProj;
        [ComponentName(Name = "up_proj")] private nn.Module<Tensor, Tensor> _upProj;
        [ComponentName(Name = "down_proj")] private nn.Module<Tensor, Tensor> _downProj;

        public FeedForward(LlamaConfig cfg) : base(nameof(FeedForward))
        {
            _gateProj = nn.Linear(cfg.Dim, cfg.HiddenDim, hasBias: false);
            _upProj = nn.Linear(cfg.Dim, cfg.HiddenDim, hasBias: false);
            _downProj = nn.Linear(cfg.HiddenDim, cfg.Dim, hasBias: false);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) // (B, T, C) → (B, T, C)
        {
            var hidden = nn.functional.silu(_gateProj.forward(x)) * _upProj.forward(x); // (B, T, hidden)
            return _downProj.forward(hidden);
        }
    }

    /// <summary>Pre-norm residual block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
    internal sealed class Block : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "input_layernorm")] private readonly RmsNorm _inputLayernorm;
        [ComponentName(Name = "self_attn")] private readonly Attention _selfAttn;
        [ComponentName(Name = "post_attention_layernorm")] private readonly RmsNorm _postAttentionLayernorm;
        [ComponentName(Name = "mlp")] private readonly FeedForward _mlp;

        public Block(LlamaConfig cfg) : base(nameof(Block))
        {
            _inputLayernorm = new RmsNorm(cfg.Dim, cfg.NormEps);
            _selfAttn = new Attention(cfg);
            _postAttentionLayernorm = new RmsNorm(cfg.Dim, cfg.NormEps);
            _mlp = new FeedForward(cfg);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) // (B, T, C) → (B, T, C)
        {
            x = x + _selfAttn.forward(_inputLayernorm.forward(x));
            return x + _mlp.forward(_postAttentionLayernorm.forward(x));
        }
    }

    /// <summary>HF's <c>LlamaModel</c> (the "model." prefix): embeddings, blocks, final norm.</summary>
    internal sealed class Backbone : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "embed_tokens")] internal readonly Embedding EmbedTokens;
        [ComponentName(Name = "layers")] private readonly ModuleList<Block> _layers;
        [ComponentName(Name = "norm")] private readonly RmsNorm _norm;

        public Backbone(LlamaConfig cfg) : base(nameof(Backbone))
        {
            EmbedTokens = nn.Embedding(cfg.VocabSize, cfg.Dim);
            _layers = new ModuleList<Block>(Enumerable.Range(0, cfg.NLayers).Select(_ => new Block(cfg)).ToArray());
            _norm = new RmsNorm(cfg.Dim, cfg.NormEps);
            RegisterComponents();
        }

        public override Tensor forward(Tensor tokens) // (B, T) long → (B, T, C)
        {
            var x = EmbedTokens.forward(tokens); // (B, T, C)
            foreach (var block in _layers) x = block.forward(x);
            return _norm.forward(x);
        }
    }

    [ComponentName(Name = "model")] private readonly Backbone _model;
    // Null when the classifier is tied to embed_tokens: HF state dicts then carry no separate lm_head.weight.
    [ComponentName(Name = "lm_head")] private readonly nn.Module<Tensor, Tensor>? _lmHead;

    /// <summary>A randomly initialised model (TorchSharp default init); load weights with a checkpoint reader.</summary>
    public LlamaModel(LlamaConfig config) : base(nameof(LlamaModel))
    {
        var errors = config.Validate().ToList();
        if (errors.Count > 0) throw new LoraLabException($"invalid Llama config: {string.Join("; ", errors)}");
        Config = config;
        _model = new Backbone(config);
        if (!config.TieWordEmbeddings) _lmHead = nn.Linear(config.Dim, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public LlamaConfig Config { get; }

    public override Tensor forward(Tensor tokens) // (B, T) long → (B, T, vocab)
    {
        if (tokens.shape[1] > Config.MaxSeqLen)
            throw new LoraLabException($"sequence length {tokens.shape[1]} exceeds max_seq_len {Config.MaxSeqLen}");
        var h = _model.forward(tokens); // (B, T, C)
        return _lmHead is null
            ? nn.functional.linear(h, _model.EmbedTokens.weight!) // tied: logits = h · embᵀ
            : _lmHead.forward(h);
    }
}
