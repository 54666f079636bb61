using LoraLab.IO;
using LoraLab.Models.Generation;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LoraLab.Models.Gpt2;

// GPT-2 (Radford et al. 2019) read top to bottom like nanoGPT's model.py: attention → MLP → block → model.
// State-dict keys are HF GPT2LMHeadModel's (transformer.h.0.attn.c_attn.weight, ...), so PEFT targets
// ("c_attn", "c_proj", "c_fc") and adapter names carry over. HF stores these layers as Conv1D with weights (in, out);
// ours are nn.Linear (out, in): HfGpt2 transposes them at load. Logits use the tied token embedding (wte).

/// <summary>GPT-2 causal language model: token ids (B, T) long → logits (B, T, vocab).</summary>
public sealed class Gpt2Model : nn.Module<Tensor, Tensor>, ICausalLm
{
    /// <summary>Causal multi-head self-attention with one fused q/k/v projection (c_attn).</summary>
    internal sealed class Attention : nn.Module<Tensor, Tensor>
    {
        // Typed Module<Tensor, Tensor> (not Linear) so LoraInjector can swap in a LoraLinear.
        [ComponentName(Name = "c_attn")] private nn.Module<Tensor, Tensor> _cAttn;
        [ComponentName(Name = "c_proj")] private nn.Module<Tensor, Tensor> _cProj;
        private readonly int _nHead;

        public Attention(Gpt2Config cfg) : base(nameof(Attention))
        {
            _cAttn = nn.Linear(cfg.NEmbd, 3 * cfg.NEmbd);
            _cProj = nn.Linear(cfg.NEmbd, cfg.NEmbd);
            _nHead = cfg.NHead;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => Forward(x, null); // (B, T, C) → (B, T, C)

        /// <summary>(B, T, C) → (B, T, C); with a cache, keys/values of earlier positions come from it.</summary>
        public Tensor Forward(Tensor x, (KvCache Cache, int Layer)? cache)
        {
            var (b, t, c) = (x.shape[0], x.shape[1], x.shape[2]);
            var qkv = _cAttn.forward(x).split(c, 2); // 3 × (B, T, C)
            var (q, k, v) = (Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2])); // (B, nh, T, hd) each
            if (cache is var (kv, layer)) (k, v) = kv.Append(layer, k, v); // (B, nh, S, hd), S = past + T
            var s = k.shape[2];
            var y = t == s || t == 1 // plain causal, or one new query that sees everything
                ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: t > 1) // (B, nh, T, hd), scale 1/√hd
                : nn.functional.scaled_dot_product_attention(q, k, v,
                    attn_mask: arange(s, device: x.device).unsqueeze(0)
                               <= arange(s - t, s, device: x.device).unsqueeze(1));
            return _cProj.forward(y.transpose(1, 2).contiguous().view(b, t, c)); // (B, T, C)
        }

        private Tensor Heads(Tensor x) => x.view(x.shape[0], x.shape[1], _nHead, -1).transpose(1, 2); // (B, nh, T, hd)
    }

    /// <summary>Position-wise MLP: c_proj(act(c_fc(x))).</summary>
    internal sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "c_fc")] private nn.Module<Tensor, Tensor> _cFc;
        [ComponentName(Name = "c_proj")] private nn.Module<Tensor, Tensor> _cProj;
        private readonly Gpt2Activation _activation;

        public Mlp(Gpt2Config cfg) : base(nameof(Mlp))
        {
            _cFc = nn.Linear(cfg.NEmbd, cfg.Inner);
            _cProj = nn.Linear(cfg.Inner, cfg.NEmbd);
            _activation = cfg.ActivationFunction;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => _cProj.forward(Activate(_cFc.forward(x))); // (B, T, C)

        private Tensor Activate(Tensor x) => _activation switch
        {
            // gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), HF activations.NewGELUActivation
            Gpt2Activation.GeluNew => 0.5 * x * (1.0 + tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x.pow(3)))),
            Gpt2Activation.Gelu => nn.functional.gelu(x),
        };
    }

    /// <summary>Pre-LN residual block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
    internal sealed class Block : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "ln_1")] private readonly LayerNorm _ln1;
        [ComponentName(Name = "attn")] private readonly Attention _attn;
        [ComponentName(Name = "ln_2")] private readonly LayerNorm _ln2;
        [ComponentName(Name = "mlp")] private readonly Mlp _mlp;

        public Block(Gpt2Config cfg) : base(nameof(Block))
        {
            _ln1 = nn.LayerNorm(cfg.NEmbd, cfg.LayerNormEpsilon);
            _attn = new Attention(cfg);
            _ln2 = nn.LayerNorm(cfg.NEmbd, cfg.LayerNormEpsilon);
            _mlp = new Mlp(cfg);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => Forward(x, null); // (B, T, C) → (B, T, C)

        public Tensor Forward(Tensor x, (KvCache, int)? cache) // (B, T, C) → (B, T, C)
        {
            x = x + _attn.Forward(_ln1.forward(x), cache);
            return x + _mlp.forward(_ln2.forward(x));
        }
    }

    /// <summary>HF's GPT2Model (the "transformer." prefix): embeddings, blocks, final LayerNorm.</summary>
    internal sealed class Transformer : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "wte")] internal readonly Embedding Wte;
        [ComponentName(Name = "wpe")] private readonly Embedding _wpe;
        [ComponentName(Name = "h")] private readonly ModuleList<Block> _h;
        [ComponentName(Name = "ln_f")] private readonly LayerNorm _lnF;

        public Transformer(Gpt2Config cfg) : base(nameof(Transformer))
        {
            Wte = nn.Embedding(cfg.VocabSize, cfg.NEmbd);
            _wpe = nn.Embedding(cfg.NPositions, cfg.NEmbd);
            _h = new ModuleList<Block>(Enumerable.Range(0, cfg.NLayer).Select(_ => new Block(cfg)).ToArray());
            _lnF = nn.LayerNorm(cfg.NEmbd, cfg.LayerNormEpsilon);
            RegisterComponents();
        }

        // (B, T) long → (B, T, C)
        public override Tensor forward(Tensor tokens) => _lnF.forward(Residual(tokens, null));

        public Tensor Forward(Tensor tokens, KvCache? cache) => _lnF.forward(Residual(tokens, cache));

        /// <summary>The residual stream after the last block, before ln_f: (B, T) long → (B, T, C), for positions
        /// after the cache's.</summary>
        internal Tensor Residual(Tensor tokens, KvCache? cache)
        {
            var start = cache?.Length ?? 0;
            var positions = arange(start, start + tokens.shape[1], dtype: int64, device: tokens.device); // (T,)
            var x = Wte.forward(tokens) + _wpe.forward(positions); // (B, T, C)
            for (var i = 0; i < _h.Count; i++) x = _h[i].Forward(x, cache is null ? null : (cache, i));
            return x;
        }
    }

    [ComponentName(Name = "transformer")] private readonly Transformer _transformer;

    /// <summary>A randomly initialised model (TorchSharp default init); load weights with <see
    /// cref="HfGpt2"/>.</summary>
    public Gpt2Model(Gpt2Config config) : base(nameof(Gpt2Model))
    {
        var errors = config.Validate().ToList();
        if (errors.Count > 0) throw new LoraLabException($"invalid GPT-2 config: {string.Join("; ", errors)}");
        Config = config;
        _transformer = new Transformer(config);
        RegisterComponents();
    }

    public Gpt2Config Config { get; }

    /// <summary>Final hidden states after ln_f: (B, T) long → (B, T, C).</summary>
    public Tensor Hidden(Tensor tokens)
    {
        if (tokens.shape[1] > Config.NPositions)
            throw new LoraLabException($"sequence length {tokens.shape[1]} exceeds n_positions {Config.NPositions}");
        return _transformer.forward(tokens);
    }

    /// <summary>The residual stream before ln_f (for reference tests): (B, T) long → (B, T, C).</summary>
    internal Tensor Residual(Tensor tokens) => _transformer.Residual(tokens, null);

    public override Tensor forward(Tensor tokens) // (B, T) long → (B, T, vocab)
        => nn.functional.linear(Hidden(tokens), _transformer.Wte.weight!); // tied: logits = h · wteᵀ

    /// <inheritdoc />
    public Tensor Forward(Tensor tokens, KvCache cache) // (B, T) long → (B, T, vocab)
    {
        if (tokens.shape[1] + cache.Length > Config.NPositions)
            throw new LoraLabException($"sequence length {tokens.shape[1] + cache.Length} exceeds n_positions " +
                                       $"{Config.NPositions}");
        return nn.functional.linear(_transformer.Forward(tokens, cache), _transformer.Wte.weight!);
    }

    public KvCache NewCache() => new(Config.NLayer, Config.NPositions);

    public int MaxContext => Config.NPositions;
}
