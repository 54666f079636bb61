using LoraLab.IO;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using LoraLab.Models.Generation;
using static TorchSharp.torch;

namespace LoraLab.Models.Llama;

// A Llama decoder (Touvron et al. 2023) read top to bottom like nanoGPT's model.py: RMSNorm → RoPE → attention
// with grouped-query heads → SwiGLU MLP → block → model. References: llama2.c model.py / run.c and HF
// transformers modeling_llama.py. The same code is Mistral (a sliding attention window, modeling_mistral.py) and
// Qwen2 (q/k/v biases, modeling_qwen2.py), switched by LlamaConfig. State-dict keys are HF's
// (model.layers.0.self_attn.q_proj.weight, ...), so PEFT targets ("q_proj", "v_proj") and adapter names carry over.

/// <summary>Llama-family causal language model: token ids (B, T) long → logits (B, T, vocab).</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor>, ICausalLm
{
    /// <summary>x / sqrt(mean(x²) + eps) · weight, over the last dimension, no bias (Zhang &amp; Sennrich
    /// 2019).</summary>
    internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
    {
        private static readonly Scalar Two = 2;
        [ComponentName(Name = "weight")] private readonly Parameter _weight;
        private readonly Scalar _eps; // made once: a Scalar per call is a native object made and freed per call

        public RmsNorm(int dim, double eps) : base(nameof(RmsNorm))
        {
            _weight = nn.Parameter(ones(dim));
            _eps = eps;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) // (B, T, C) → (B, T, C)
        {
            var meanSquare = x.pow(Two).mean([-1], keepdim: true); // (B, T, 1)
            return x * meanSquare.add_(_eps).rsqrt_() * _weight; // in place on the (B, T, 1) temporary
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _eps.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Rotary position embedding (Su et al. 2021): rotates channel pairs of q and k by pos·θ_i, θ_i = base^(−2i/hd).
    /// The cos/sin tables of every position are built once per dtype and device (HF's rotary_emb cache); a forward
    /// takes its positions' rows once and every layer rotates q and k with them: x·cos + rotate(x)·sin, where the
    /// tables are laid out over the whole head (cos repeated, sin signed) so that a rotation is four elementwise ops.
    /// </summary>
    internal sealed class RotaryEmbedding(LlamaConfig cfg) : IDisposable
    {
        private (Tensor Cos, Tensor Sin)? _tables; // (max_seq_len, hd) each, laid out for cfg.RopeLayout

        /// <summary>The rows of positions start..start+T−1: (T, hd) each.</summary>
        public (Tensor Cos, Tensor Sin) At(long start, long t, ScalarType dtype, Device device)
        {
            if (_tables is not { } tables || tables.Cos.dtype != dtype || tables.Cos.device_type != device.type
                || tables.Cos.device_index != device.index) // (Device has no value equality)
            {
                Dispose();
                tables = Build(dtype, device);
                _tables = tables;
            }
            return (tables.Cos.narrow(0, start, t), tables.Sin.narrow(0, start, t));
        }

        /// <summary>x (B, H, T, hd) rotated by the rows <paramref name="rope"/> of <see cref="At"/>.</summary>
        public static Tensor Apply(Tensor x, (Tensor Cos, Tensor Sin) rope, RopeLayout layout) =>
            x * rope.Cos + Rotate(x, layout) * rope.Sin;

        // HF rotate_half: (x1, x2) → (x2, x1) for the halves of a head (the sign sits in the sin table);
        // llama2.c run.c: (x[2i], x[2i+1]) → (x[2i+1], x[2i]).
        private static Tensor Rotate(Tensor x, RopeLayout layout) => layout switch
        {
            RopeLayout.HalfSplit => x.roll(x.size(-1) / 2, -1),
            RopeLayout.Interleaved => x.unflatten(x.dim() - 1, [x.size(-1) / 2, 2]).flip(-1).flatten(-2),
        };

        // Half split: (x1·cos − x2·sin, x2·cos + x1·sin) = x·[cos, cos] + (x2, x1)·[−sin, sin].
        // Interleaved: (x0·cos − x1·sin, x0·sin + x1·cos) = x·[cos, cos]ᵢ + (x1, x0)·[−sin, sin]ᵢ, pair by pair.
        // Each element is the same two products and one sum as the written-out forms (a − b computed as a + (−b)).
        private (Tensor Cos, Tensor Sin) Build(ScalarType dtype, Device device)
        {
            using var scope = NewDisposeScope();
            using var normal = inference_mode(false); // built during generation, used in training later too
            using var noGrad = no_grad();
            var hd = cfg.HeadDim;
            var invFreq = 1.0 / pow(cfg.RopeTheta, arange(0, hd, 2, float64, device) / hd); // (hd/2,)
            if (cfg.RopeScaling is { } scaling) invFreq = Llama3Scaled(invFreq, scaling);
            var positions = arange(0, cfg.MaxSeqLen, dtype: float64, device: device); // (max_seq_len,)
            var angles = outer(positions, invFreq).to(dtype); // (max_seq_len, hd/2)
            var (cos, sin) = (angles.cos(), angles.sin());
            var (cosFull, sinFull) = cfg.RopeLayout switch
            {
                RopeLayout.HalfSplit => (cat([cos, cos], -1), cat([-sin, sin], -1)),
                RopeLayout.Interleaved => (stack([cos, cos], -1).flatten(-2), stack([-sin, sin], -1).flatten(-2)),
            };
            return (cosFull.DetachFromDisposeScope(), sinFull.DetachFromDisposeScope());
        }

        // HF _compute_llama3_parameters: long wavelengths (low frequencies) slowed by `factor`, short ones kept,
        // a linear blend in 1/wavelength between the two cut-offs.
        private static Tensor Llama3Scaled(Tensor invFreq, Llama3RopeScaling s) // (hd/2,) → (hd/2,)
        {
            var original = (double)s.OriginalMaxPositionEmbeddings;
            var wavelen = 2 * Math.PI / invFreq;
            // 0..1 in the band
            var smooth = (original / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
            var blended = (1 - smooth) * invFreq / s.Factor + smooth * invFreq;
            var scaled = where(wavelen > original / s.LowFreqFactor, invFreq / s.Factor, invFreq);
            var inBand = (wavelen >= original / s.HighFreqFactor).logical_and(wavelen <= original / s.LowFreqFactor);
            return where(inBand, blended, scaled);
        }

        public void Dispose()
        {
            if (_tables is { } tables) { tables.Cos.Dispose(); tables.Sin.Dispose(); }
            _tables = null;
        }
    }

    /// <summary>
    /// Causal self-attention; n_heads/n_kv_heads query heads share each key/value head (GQA). With a sliding window
    /// (Mistral) a query at position i sees keys j with i − window &lt; j ≤ i, as HF's sliding-window mask.
    /// </summary>
    internal sealed class Attention : nn.Module
    {
        // Typed Module<Tensor, Tensor> (not Linear) so LoraInjector can swap in a LoraLinear.
        [ComponentName(Name = "q_proj")] private nn.Module<Tensor, Tensor> _qProj;
        [ComponentName(Name = "k_proj")] private nn.Module<Tensor, Tensor> _kProj;
        [ComponentName(Name = "v_proj")] private nn.Module<Tensor, Tensor> _vProj;
        [ComponentName(Name = "o_proj")] private nn.Module<Tensor, Tensor> _oProj;
        private readonly LlamaConfig _cfg;

        public Attention(LlamaConfig cfg) : base(nameof(Attention))
        {
            var (qDim, kvDim) = (cfg.NHeads * cfg.HeadDim, cfg.NKvHeads * cfg.HeadDim);
            _qProj = nn.Linear(cfg.Dim, qDim, hasBias: cfg.QkvBias);
            _kProj = nn.Linear(cfg.Dim, kvDim, hasBias: cfg.QkvBias);
            _vProj = nn.Linear(cfg.Dim, kvDim, hasBias: cfg.QkvBias);
            _oProj = nn.Linear(qDim, cfg.Dim, hasBias: cfg.OutputBias);
            _cfg = cfg;
            RegisterComponents();
        }

        /// <summary>(B, T, C) → (B, T, C) for the positions whose RoPE rows are <paramref name="rope"/>; with a cache,
        /// keys/values of earlier positions come from it and this step's are written to it.</summary>
        public Tensor Forward(Tensor x, (Tensor Cos, Tensor Sin) rope, (KvCache Cache, int Layer)? cache)
        {
            var (b, t, hd) = (x.size(0), x.size(1), (long)_cfg.HeadDim); // (size(i): no shape array per call)
            var (nh, nkv) = (_cfg.NHeads, _cfg.NKvHeads);
            // (B, T, n·hd) → (B, n, T, hd); one token needs no transpose (one operator fewer on a decoding step).
            Tensor Heads(Tensor y, long n) => t == 1 ? y.view(b, n, 1, hd) : y.view(b, t, n, hd).transpose(1, 2);
            Tensor q, k, v;
            var fused = cache is var (decoding, index) && !is_grad_enabled()
                ? decoding.Fused(index, FusedProjection.Qkv, () => Stack(_qProj, _kProj, _vProj))
                : null;
            if (fused is var (weight, bias))
            {
                // Decoding: one GEMM for q, k and v and one rotation of the q and k heads together, 8 operators fewer
                // per layer and token (issue 18). Each output is the same dot product as in its own projection (bitwise
                // equal on stories260K; the cached-vs-uncached token tests cover every architecture).
                var qkv = Heads(nn.functional.linear(x, weight, bias), nh + 2 * nkv); // (B, nh + 2·nkv, T, hd)
                var qk = RotaryEmbedding.Apply(qkv.narrow(1, 0, nh + nkv), rope, _cfg.RopeLayout);
                (q, k, v) = (qk.narrow(1, 0, nh), qk.narrow(1, nh, nkv), qkv.narrow(1, nh + nkv, nkv));
            }
            else
            {
                q = RotaryEmbedding.Apply(Heads(_qProj.forward(x), nh), rope, _cfg.RopeLayout); // (B, nh, T, hd)
                k = RotaryEmbedding.Apply(Heads(_kProj.forward(x), nkv), rope, _cfg.RopeLayout); // (B, nkv, T, hd)
                v = Heads(_vProj.forward(x), nkv); // (B, nkv, T, hd)
            }
            if (cache is var (kv, layer)) (k, v) = kv.Append(layer, k, v); // (B, nkv, S, hd), S = start + T
            var groups = nh / nkv;
            var mask = Mask(t, k.size(2), x);
            Tensor y;
            if (t == 1 && mask is null)
            {
                // One new query (a decoding step): the nh/nkv query heads that share a key/value head attend as the
                // rows of one group, (B, nkv, nh/nkv, hd), so the cached keys/values are not repeated per token.
                y = nn.functional.scaled_dot_product_attention(q.reshape(b, nkv, groups, hd), k, v); // (B, nkv, g, hd)
            }
            else
            {
                // Query head h reads key/value head h / (nh/nkv), as in llama2.c: repeat each kv head nh/nkv times.
                k = k.repeat_interleave(groups, dim: 1); // (B, nh, S, hd)
                v = v.repeat_interleave(groups, dim: 1); // (B, nh, S, hd)
                // softmax(q·kᵀ/√hd + mask)·v; the default scale of libtorch's SDPA is 1/√hd.
                y = mask is not null
                    ? nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask) // (B, nh, T, hd)
                    : nn.functional.scaled_dot_product_attention(q, k, v, is_casual: t > 1);
                y = y.transpose(1, 2); // (B, T, nh, hd)
            }
            return _oProj.forward(y.reshape(b, t, nh * hd)); // (B, T, nh·hd) → (B, T, C)
        }

        // (T, S) bool, true where query i (position S−T+i) may read key j; null when plain causal attention does.
        private Tensor? Mask(long t, long s, Tensor x)
        {
            var window = _cfg.SlidingWindow is { } w && w < s ? w : (int?)null;
            if (window is null && (t == 1 || t == s)) return null;
            var queryPos = arange(s - t, s, device: x.device).unsqueeze(1); // (T, 1)
            var keyPos = arange(s, device: x.device).unsqueeze(0); // (1, S)
            var mask = keyPos <= queryPos; // (T, S)
            return window is { } size ? mask.logical_and(keyPos > queryPos - size) : mask;
        }
    }

    /// <summary>SwiGLU MLP (Shazeer 2020): down(silu(gate(x)) ⊙ up(x)); llama2.c w1 = gate, w3 = up, w2 =
    /// down.</summary>
    internal sealed class FeedForward : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "gate_proj")] private nn.Module<Tensor, Tensor> _gateProj;
        [ComponentName(Name = "up_proj")] private nn.Module<Tensor, Tensor> _upProj;
        [ComponentName(Name = "down_proj")] private nn.Module<Tensor, Tensor> _downProj;

        public FeedForward(LlamaConfig cfg) : base(nameof(FeedForward))
        {
            _gateProj = nn.Linear(cfg.Dim, cfg.HiddenDim, hasBias: cfg.MlpBias);
            _upProj = nn.Linear(cfg.Dim, cfg.HiddenDim, hasBias: cfg.MlpBias);
            _downProj = nn.Linear(cfg.HiddenDim, cfg.Dim, hasBias: cfg.MlpBias);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => Forward(x, null); // (B, T, C) → (B, T, C)

        /// <summary>(B, T, C) → (B, T, C); decoding with a cache runs gate and up as one GEMM (as Attention q/k/v).
        /// </summary>
        public Tensor Forward(Tensor x, (KvCache Cache, int Layer)? cache)
        {
            var fused = cache is var (decoding, index) && !is_grad_enabled()
                ? decoding.Fused(index, FusedProjection.GateUp, () => Stack(_gateProj, _upProj))
                : null;
            Tensor hidden; // (B, T, hidden)
            if (fused is var (weight, bias))
            {
                var gateUp = nn.functional.linear(x, weight, bias); // (B, T, 2·hidden)
                var size = gateUp.size(-1) / 2;
                hidden = nn.functional.silu(gateUp.narrow(-1, 0, size)) * gateUp.narrow(-1, size, size);
            }
            else hidden = nn.functional.silu(_gateProj.forward(x)) * _upProj.forward(x);
            return _downProj.forward(hidden);
        }
    }

    // Weights (biases) of projections of the same input stacked along the output dimension, for one GEMM where a
    // decoding step ran one per projection; null when any is not a plain linear layer (a LoRA adapter's branch must
    // run as trained).
    private static (Tensor Weight, Tensor? Bias)? Stack(params nn.Module<Tensor, Tensor>[] projections)
    {
        var linears = projections.OfType<Linear>().ToArray();
        if (linears.Length < projections.Length) return null;
        var biases = linears.Select(l => l.bias).OfType<Tensor>().ToArray();
        return (cat(linears.Select(l => (Tensor)l.weight!).ToArray()), biases.Length == 0 ? null : cat(biases));
    }

    /// <summary>Pre-norm residual block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
    internal sealed class Block : nn.Module
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

        public Tensor Forward(Tensor x, (Tensor Cos, Tensor Sin) rope, (KvCache, int)? cache) // (B, T, C) → (B, T, C)
        {
            x = x + _selfAttn.Forward(_inputLayernorm.forward(x), rope, cache);
            return x + _mlp.Forward(_postAttentionLayernorm.forward(x), cache);
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
            _rope = new RotaryEmbedding(cfg);
            RegisterComponents();
        }

        private readonly RotaryEmbedding _rope; // not a module: no parameters, no state-dict entries

        public override Tensor forward(Tensor tokens) => Forward(tokens, null); // (B, T) long → (B, T, C)

        public Tensor Forward(Tensor tokens, KvCache? cache) // (B, T) long → (B, T, C)
        {
            var start = cache?.Length ?? 0;
            var x = EmbedTokens.forward(tokens); // (B, T, C)
            var rope = _rope.At(start, tokens.size(1), x.dtype, x.device); // (T, hd) cos and sin, for every layer
            for (var i = 0; i < _layers.Count; i++) x = _layers[i].Forward(x, rope, cache is null ? null : (cache, i));
            return _norm.forward(x);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _rope.Dispose();
            base.Dispose(disposing);
        }
    }

    [ComponentName(Name = "model")] private readonly Backbone _model;
    // Null when the classifier is tied to embed_tokens: HF state dicts then carry no separate lm_head.weight.
    [ComponentName(Name = "lm_head")] private readonly nn.Module<Tensor, Tensor>? _lmHead;

    /// <summary>A randomly initialised model (TorchSharp default init); load weights with a checkpoint
    /// reader.</summary>
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

    public override Tensor forward(Tensor tokens) => Logits(tokens, null); // (B, T) long → (B, T, vocab)

    /// <inheritdoc />
    public Tensor Forward(Tensor tokens, KvCache cache) => Logits(tokens, cache);

    public KvCache NewCache() => new(Config.NLayers, Config.MaxSeqLen);

    public int MaxContext => Config.MaxSeqLen;

    private Tensor Logits(Tensor tokens, KvCache? cache) // (B, T) long → (B, T, vocab)
    {
        var length = tokens.size(1) + (cache?.Length ?? 0);
        if (length > Config.MaxSeqLen)
            throw new LoraLabException($"sequence length {length} exceeds max_seq_len {Config.MaxSeqLen}");
        var h = _model.Forward(tokens, cache); // (B, T, C)
        return _lmHead is null
            ? nn.functional.linear(h, _model.EmbedTokens.weight!) // tied: logits = h · embᵀ
            : _lmHead.forward(h);
    }
}
