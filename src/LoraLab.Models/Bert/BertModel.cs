using LoraLab.IO;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LoraLab.Models.Bert;

/// <summary>
/// A BERT-architecture encoder (Devlin et al. 2019) in the spirit of nanoGPT's model.py: the pieces, small to whole,
/// in one file. Module and parameter names are Hugging Face's (<c>embeddings.word_embeddings.weight</c>,
/// <c>encoder.layer.{i}.attention.self.query.weight</c>, ...), so HF/PEFT target names ("query", "value", "dense")
/// and state dicts carry over. Every Linear that LoRA may adapt is held as <c>Module&lt;Tensor, Tensor&gt;</c> and
/// called through that field, so an injector can swap it. Forward returns last_hidden_state (batch, seq, hidden).
/// </summary>
public sealed class BertModel : nn.Module<BertInput, Tensor>
{
    /// <summary>word + position + token-type embeddings, then LayerNorm and dropout: (B, T) ids → (B, T, H).</summary>
    public sealed class Embeddings : nn.Module<Tensor, Tensor, Tensor>
    {
        [ComponentName(Name = "word_embeddings")] private readonly Embedding _word;
        [ComponentName(Name = "position_embeddings")] private readonly Embedding _position;
        [ComponentName(Name = "token_type_embeddings")] private readonly Embedding _tokenType;
        [ComponentName(Name = "LayerNorm")] private readonly LayerNorm _norm;
        [ComponentName(Name = "dropout")] private readonly HashDropout _dropout;
        private readonly int _positionOffset;
        private readonly int _maxTokens;

        public Embeddings(BertConfig c) : base("embeddings")
        {
            _word = nn.Embedding(c.VocabSize, c.HiddenSize);
            _position = nn.Embedding(c.MaxPositionEmbeddings, c.HiddenSize);
            _tokenType = nn.Embedding(c.TypeVocabSize, c.HiddenSize);
            _norm = nn.LayerNorm(c.HiddenSize, c.LayerNormEps);
            _dropout = new HashDropout(c.HiddenDropout);
            _positionOffset = c.PositionOffset;
            _maxTokens = c.MaxTokens;
            RegisterComponents();
        }

        public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
        {
            var t = inputIds.shape[1];
            if (t > _maxTokens)
                throw new LoraLabException(
                    $"BERT input has {t} tokens but the model has {_maxTokens} positions; " +
                    "truncate to max_length first");
            // RoBERTa counts positions after the padding index; right padding makes arange equivalent for real tokens.
            var positions = arange(_positionOffset, _positionOffset + t, dtype: ScalarType.Int64,
                device: inputIds.device);                                   // (T)
            var x = _word.call(inputIds) + _tokenType.call(tokenTypeIds) + _position.call(positions); // (B, T, H)
            return _dropout.call(_norm.call(x));
        }
    }

    /// <summary>Multi-head self-attention (HF BertSelfAttention): (B, T, H) → (B, T, H), before the output
    /// dense.</summary>
    public sealed class SelfAttention : nn.Module<Tensor, Tensor?, Tensor>
    {
        [ComponentName(Name = "query")] private readonly nn.Module<Tensor, Tensor> _query;
        [ComponentName(Name = "key")] private readonly nn.Module<Tensor, Tensor> _key;
        [ComponentName(Name = "value")] private readonly nn.Module<Tensor, Tensor> _value;
        private readonly int _heads;
        private readonly double _dropout;

        public SelfAttention(BertConfig c) : base("self")
        {
            _query = nn.Linear(c.HiddenSize, c.HiddenSize);
            _key = nn.Linear(c.HiddenSize, c.HiddenSize);
            _value = nn.Linear(c.HiddenSize, c.HiddenSize);
            _heads = c.NumHeads;
            _dropout = c.AttentionDropout;
            RegisterComponents();
        }

        /// <param name="x">(B, T, H)</param>
        /// <param name="keep">(B, 1, 1, T) bool, true where a key is a real token; null when nothing is padded.</param>
        public override Tensor forward(Tensor x, Tensor? keep) => Attend(x, x, keep);

        /// <summary>Attention of <paramref name="queries"/> (B, Tq, H) over all of <paramref name="x"/> (B, T,
        /// H).</summary>
        public Tensor Attend(Tensor queries, Tensor x, Tensor? keep)
        {
            long b = x.shape[0], t = x.shape[1], tq = queries.shape[1], h = x.shape[2];
            var q = SplitHeads(_query.call(queries), b, tq);                    // (B, nh, Tq, hd)
            var k = SplitHeads(_key.call(x), b, t);                             // (B, nh, T, hd)
            var v = SplitHeads(_value.call(x), b, t);                           // (B, nh, T, hd)
            // softmax(q kᵀ / √hd + mask) v: fused (libtorch's CPU flash kernel) without dropout, written out with it.
            var y = training && _dropout > 0
                ? AttendWithDropout(q, k, v, keep)
                : F.scaled_dot_product_attention(q, k, v, keep);                // (B, nh, Tq, hd)
            return y.transpose(1, 2).reshape(b, tq, h);                         // (B, Tq, H)
        }

        // HF's eager BertSelfAttention. (libtorch's SDPA with dropout takes its math path, which computes the same
        // plus a NaN-safe softmax — isneginf, all, where over the (B, nh, Tq, T) scores — and draws its mask serially.)
        private Tensor AttendWithDropout(Tensor q, Tensor k, Tensor v, Tensor? keep)
        {
            var scores = q.matmul(k.transpose(-2, -1)).mul_(1.0 / Math.Sqrt(q.shape[^1])); // (B, nh, Tq, T)
            if (keep is not null) scores = scores.masked_fill(keep.logical_not(), double.NegativeInfinity);
            return HashDropout.Apply(F.softmax(scores, -1), _dropout).matmul(v);         // (B, nh, Tq, hd)
        }

        private Tensor SplitHeads(Tensor x, long b, long t) => x.view(b, t, _heads, -1).transpose(1, 2);
    }

    /// <summary>dense → dropout → LayerNorm(· + residual): HF's BertSelfOutput and BertOutput (same shape of
    /// code).</summary>
    public sealed class Output : nn.Module<Tensor, Tensor, Tensor>
    {
        [ComponentName(Name = "dense")] private readonly nn.Module<Tensor, Tensor> _dense;
        [ComponentName(Name = "LayerNorm")] private readonly LayerNorm _norm;
        [ComponentName(Name = "dropout")] private readonly HashDropout _dropout;

        public Output(BertConfig c, int inFeatures) : base("output")
        {
            _dense = nn.Linear(inFeatures, c.HiddenSize);
            _norm = nn.LayerNorm(c.HiddenSize, c.LayerNormEps);
            _dropout = new HashDropout(c.HiddenDropout);
            RegisterComponents();
        }

        /// <param name="x">(B, T, in)</param><param name="residual">(B, T, H)</param>
        public override Tensor forward(Tensor x, Tensor residual) =>
            _norm.call(_dropout.call(_dense.call(x)) + residual);            // (B, T, H)
    }

    /// <summary>self-attention + its output (HF BertAttention): (B, T, H) → (B, T, H).</summary>
    public sealed class Attention : nn.Module<Tensor, Tensor?, Tensor>
    {
        [ComponentName(Name = "self")] private readonly SelfAttention _self;
        [ComponentName(Name = "output")] private readonly Output _output;

        public Attention(BertConfig c) : base("attention")
        {
            _self = new SelfAttention(c);
            _output = new Output(c, c.HiddenSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x, Tensor? keep) => _output.call(_self.call(x, keep), x);

        /// <summary>The output at the first position only, (B, 1, H): [CLS] still attends to every token.</summary>
        public Tensor FirstToken(Tensor x, Tensor? keep)
        {
            var first = x.narrow(1, 0, 1);                                      // (B, 1, H)
            return _output.call(_self.Attend(first, x, keep), first);
        }
    }

    /// <summary>The feed-forward's first half: dense (H → I) + gelu.</summary>
    public sealed class Intermediate : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "dense")] private readonly nn.Module<Tensor, Tensor> _dense;

        public Intermediate(BertConfig c) : base("intermediate")
        {
            _dense = nn.Linear(c.HiddenSize, c.IntermediateSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => F.gelu(_dense.call(x));  // (B, T, I), exact erf gelu
    }

    /// <summary>One post-LN transformer layer: attention, then feed-forward, each with residual + LayerNorm.</summary>
    public sealed class Layer : nn.Module<Tensor, Tensor?, Tensor>
    {
        [ComponentName(Name = "attention")] private readonly Attention _attention;
        [ComponentName(Name = "intermediate")] private readonly Intermediate _intermediate;
        [ComponentName(Name = "output")] private readonly Output _output;

        public Layer(BertConfig c) : base("layer")
        {
            _attention = new Attention(c);
            _intermediate = new Intermediate(c);
            _output = new Output(c, c.IntermediateSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x, Tensor? keep)
        {
            var a = _attention.call(x, keep);                                   // (B, T, H)
            return _output.call(_intermediate.call(a), a);                      // (B, T, H)
        }

        /// <summary>This layer's output at [CLS] only, (B, 1, H), for a head that reads nothing else.</summary>
        public Tensor FirstToken(Tensor x, Tensor? keep)
        {
            var a = _attention.FirstToken(x, keep);                             // (B, 1, H)
            return _output.call(_intermediate.call(a), a);                      // (B, 1, H)
        }
    }

    /// <summary>The stack of layers, <c>encoder.layer.{i}</c>; the padding mask is built once and shared.</summary>
    public sealed class Encoder : nn.Module<Tensor, Tensor?, Tensor>
    {
        [ComponentName(Name = "layer")] private readonly ModuleList<Layer> _layers;

        public Encoder(BertConfig c) : base("encoder")
        {
            _layers = nn.ModuleList(Enumerable.Range(0, c.NumLayers).Select(_ => new Layer(c)).ToArray());
            RegisterComponents();
        }

        public override Tensor forward(Tensor x, Tensor? keep)
        {
            foreach (var layer in _layers) x = layer.call(x, keep);            // (B, T, H)
            return x;
        }

        /// <summary>
        /// The last layer's output at [CLS] only, (B, 1, H). The last layer's positions other than [CLS] feed no
        /// later layer, so a [CLS]-pooled head can skip their query, attention output and feed-forward (about a
        /// sixth of MiniLM-L6's matmul work); the result equals <see cref="forward"/>'s first position.
        /// </summary>
        public Tensor FirstToken(Tensor x, Tensor? keep)
        {
            for (var i = 0; i < _layers.Count - 1; i++) x = _layers[i].call(x, keep); // (B, T, H)
            return _layers[_layers.Count - 1].FirstToken(x, keep);             // (B, 1, H)
        }
    }

    /// <summary>HF's pooler: tanh(dense(h_[CLS])), (B, T, H) → (B, H).</summary>
    public sealed class Pooler : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "dense")] private readonly nn.Module<Tensor, Tensor> _dense;

        public Pooler(BertConfig c) : base("pooler")
        {
            _dense = nn.Linear(c.HiddenSize, c.HiddenSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor hidden) => tanh(_dense.call(hidden.select(1, 0))); // h_[CLS]: (B, H)
    }

    [ComponentName(Name = "embeddings")] private readonly Embeddings _embeddings;
    [ComponentName(Name = "encoder")] private readonly Encoder _encoder;
    [ComponentName(Name = "pooler")] private readonly Pooler? _pooler;

    public BertModel(BertConfig config) : base("bert")
    {
        var errors = config.Validate().ToList();
        if (errors.Count > 0) throw new LoraLabException($"invalid BERT config: {string.Join("; ", errors)}");
        Config = config;
        _embeddings = new Embeddings(config);
        _encoder = new Encoder(config);
        _pooler = config.AddPooler ? new Pooler(config) : null;
        RegisterComponents();
    }

    public BertConfig Config { get; }

    /// <summary>last_hidden_state (B, T, H) for a padded batch.</summary>
    public override Tensor forward(BertInput input)
    {
        var (x, keep) = Embed(input);
        return _encoder.call(x, keep);
    }

    /// <summary>The last hidden state at [CLS] only, (B, 1, H); cheaper than <see cref="forward"/> (see
    /// Encoder).</summary>
    public Tensor FirstToken(BertInput input)
    {
        var (x, keep) = Embed(input);
        return _encoder.FirstToken(x, keep);
    }

    /// <summary>Embeddings (B, T, H) and the key mask (B, 1, 1, T), built once for all layers; null = no
    /// padding.</summary>
    private (Tensor X, Tensor? Keep) Embed(BertInput input)
    {
        var ids = input.InputIds;                                               // (B, T)
        var types = input.TokenTypeIds ?? zeros_like(ids);                      // (B, T)
        var mask = input.AttentionMask;                                         // (B, T)
        var keep = mask.all().item<bool>() ? null : mask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
        return (_embeddings.call(ids, types), keep);
    }

    /// <summary>HF pooler output (B, H) from hidden states (B, T, H) or (B, 1, H); needs <see
    /// cref="BertConfig.AddPooler"/>.</summary>
    public Tensor Pool(Tensor hidden) =>
        (_pooler ?? throw new LoraLabException("this BERT model has no pooler (add_pooler = false)")).call(hidden);
}
