using LoraLab.IO;
using LoraLab.IO.Checkpoints;

using static TorchSharp.torch;

namespace LoraLab.Models.Bert;

/// <summary>
/// Reads a Hugging Face BERT or RoBERTa model folder (<see cref="HfCheckpoint"/>: <c>config.json</c> +
/// <c>model.safetensors</c> or shards, as written by <c>save_pretrained</c> for BertModel, BertFor*, RobertaModel,
/// RobertaFor*). The encoder's tensors may carry the
/// task model's prefix (<c>bert.</c>, <c>roberta.</c>); task heads (<c>cls.</c>, <c>lm_head.</c>,
/// <c>classifier.</c>, <c>qa_outputs.</c>) are not part of the encoder and are left out. Old checkpoints'
/// LayerNorm <c>gamma</c>/<c>beta</c> are read as <c>weight</c>/<c>bias</c> (as transformers does). Weights in
/// F16/BF16 are widened to F32. The WordPiece vocabulary of a BERT folder is <c>vocab.txt</c> (RoBERTa's BPE is not
/// handled by <see cref="BertTextTokenizer"/>).
/// </summary>
public static class HfBert
{
    private static readonly string[] EncoderPrefixes = ["bert.", "roberta."];
    private static readonly string[] EncoderParts = ["embeddings.", "encoder.", "pooler."];

    public static BertModel Load(string dir)
    {
        var config = ReadConfig(dir);
        return FromWeights(config, HfCheckpoint.ReadWeights(dir), dir);
    }

    /// <summary>
    /// A RoBERTa folder as <see cref="RobertaClassifier"/>: the encoder, and the checkpoint's classification head
    /// (<c>classifier.dense</c>, <c>classifier.out_proj</c>) when it has one with <paramref name="numLabels"/> outputs,
    /// else a new head (HF's init).
    /// </summary>
    public static RobertaClassifier LoadRobertaClassifier(string dir, int numLabels)
    {
        var config = ReadConfig(dir);
        if (config.PositionOffset == 0)
            throw new LoraLabException($"{Path.Combine(dir, HfCheckpoint.ConfigFile)}: " +
                                       "not a RoBERTa model (model_type)", ExitCodes.Usage);
        var all = HfCheckpoint.ReadWeights(dir);
        var head = all.Where(kv => kv.Key.StartsWith("classifier.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float32).clone()); // EncoderWeights frees the rest
        var model = new RobertaClassifier(FromWeights(config, all, dir), numLabels);
        if (head.TryGetValue("classifier.out_proj.weight", out var outProj) && outProj.shape[0] == numLabels)
            StateDictLoader.Load(model, model.state_dict().Where(kv => !head.ContainsKey(kv.Key))
                .Concat(head).ToDictionary(kv => kv.Key, kv => kv.Value), dir);
        return model;
    }

    private static BertModel FromWeights(BertConfig config, Dictionary<string, Tensor> all, string dir)
    {
        var weights = EncoderWeights(all);
        try
        {
            var model = new BertModel(config with { AddPooler = weights.ContainsKey("pooler.dense.weight") });
            StateDictLoader.Load(model, weights, dir);
            return model;
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>The <see cref="BertConfig"/> of a folder's config.json (model_type "bert" or "roberta").</summary>
    public static BertConfig ReadConfig(string dir)
    {
        var json = HfCheckpoint.ReadConfig(dir);
        var path = Path.Combine(dir, HfCheckpoint.ConfigFile);
        T Get<T>(string key) => HfCheckpoint.Required<T>(json, key, dir);
        T Opt<T>(string key, T fallback) => HfCheckpoint.Optional(json, key, dir, fallback);
        var modelType = Opt("model_type", "bert");
        if (modelType is not ("bert" or "roberta"))
            throw new LoraLabException($"{path}: model_type \"{modelType}\" is not a BERT or RoBERTa model");
        var positions = Opt("position_embedding_type", "absolute");
        if (positions != "absolute")
            throw new LoraLabException($"{path}: position_embedding_type \"{positions}\" is not supported " +
                                       "(absolute only)");
        var config = new BertConfig
        {
            VocabSize = Get<int>("vocab_size"),
            HiddenSize = Get<int>("hidden_size"),
            NumLayers = Get<int>("num_hidden_layers"),
            NumHeads = Get<int>("num_attention_heads"),
            IntermediateSize = Get<int>("intermediate_size"),
            MaxPositionEmbeddings = Get<int>("max_position_embeddings"),
            TypeVocabSize = Opt("type_vocab_size", 2),
            LayerNormEps = Opt("layer_norm_eps", 1e-12),
            HiddenAct = Opt("hidden_act", "gelu"),
            HiddenDropout = Opt("hidden_dropout_prob", 0.1),
            AttentionDropout = Opt("attention_probs_dropout_prob", 0.1),
            // RoBERTa numbers positions from padding_idx + 1 (modeling_roberta create_position_ids_from_input_ids).
            PositionOffset = modelType == "roberta" ? Opt("pad_token_id", 1) + 1 : 0,
        };
        var errors = config.Validate().ToList();
        if (errors.Count > 0) throw new LoraLabException($"{path}: unsupported config: {string.Join("; ", errors)}");
        return config;
    }

    /// <summary>The encoder's tensors under BertModel names, as float32; everything else is dropped.</summary>
    private static Dictionary<string, Tensor> EncoderWeights(Dictionary<string, Tensor> all)
    {
        var weights = new Dictionary<string, Tensor>();
        foreach (var (stored, tensor) in all)
        {
            var name = Rename(stored);
            if (name is null || name == "embeddings.position_ids")
            {
                tensor.Dispose();
                continue;
            }
            weights[name] = tensor.dtype == ScalarType.Float32 ? tensor : tensor.to(ScalarType.Float32);
        }
        return weights;
    }

    private static string? Rename(string stored)
    {
        var name = EncoderPrefixes.FirstOrDefault(stored.StartsWith) is { } prefix ? stored[prefix.Length..] : stored;
        if (!EncoderParts.Any(name.StartsWith)) return null;
        if (name.EndsWith(".gamma")) return name[..^".gamma".Length] + ".weight";
        if (name.EndsWith(".beta")) return name[..^".beta".Length] + ".bias";
        return name;
    }
}
