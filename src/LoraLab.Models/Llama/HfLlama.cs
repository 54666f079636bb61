using System.Text.Json.Nodes;
using LoraLab.Core;
using static LoraLab.Models.HfCheckpoint;

namespace LoraLab.Models.Llama;

/// <summary>
/// Reads and writes Llama models as Hugging Face folders (transformers LlamaForCausalLM): config.json with HF keys
/// plus safetensors weights, single or sharded. HF Llama uses half-split RoPE, so models are built with
/// <see cref="RopeLayout.HalfSplit"/>. The tokenizer is optional: given a llama2.c tokenizer, Save writes it twice,
/// as <c>tokenizer.bin</c> (what <see cref="Llama2cTokenizer"/> reads), as the SentencePiece <c>tokenizer.model</c>
/// + <c>tokenizer_config.json</c> that HF's LlamaTokenizer reads, and as the <c>tokenizer.json</c> of HF's fast
/// tokenizers (<see cref="HfTokenizerJson"/>). <see cref="LoadTokenizer"/> reads tokenizer.bin, else tokenizer.json.
/// </summary>
public static class HfLlama
{
    public const string Llama2cTokenizerFile = "tokenizer.bin";

    public static LlamaModel Load(string dir)
    {
        var model = new LlamaModel(ReadConfig(dir));
        var weights = ReadWeights(dir);
        // Tied checkpoints usually omit lm_head.weight; some writers keep it (a copy of embed_tokens): ignore it.
        if (model.Config.TieWordEmbeddings) weights.Remove("lm_head.weight");
        StateDictLoader.Load(model, weights, dir);
        return model;
    }

    public static LlamaConfig ReadConfig(string dir)
    {
        var json = HfCheckpoint.ReadConfig(dir);
        RejectUnsupported(json, dir);
        var heads = Required<int>(json, "num_attention_heads", dir);
        var config = new LlamaConfig
        {
            Dim = Required<int>(json, "hidden_size", dir),
            HiddenDim = Required<int>(json, "intermediate_size", dir),
            NLayers = Required<int>(json, "num_hidden_layers", dir),
            NHeads = heads,
            NKvHeads = Optional(json, "num_key_value_heads", dir, heads),
            VocabSize = Required<int>(json, "vocab_size", dir),
            MaxSeqLen = Required<int>(json, "max_position_embeddings", dir),
            NormEps = Optional(json, "rms_norm_eps", dir, 1e-6),
            RopeTheta = Optional(json, "rope_theta", dir, 10000.0),
            TieWordEmbeddings = Optional(json, "tie_word_embeddings", dir, false), // HF LlamaConfig default
            RopeLayout = RopeLayout.HalfSplit,
        };
        var errors = config.Validate().ToList();
        if (errors.Count > 0) throw new LoraLabException($"{Path.Combine(dir, ConfigFile)}: {string.Join("; ", errors)}");
        return config;
    }

    // Features of HF Llama that our model does not implement: refuse them rather than load a different function.
    private static void RejectUnsupported(JsonObject json, string dir)
    {
        var file = Path.Combine(dir, ConfigFile);
        var modelType = Optional(json, "model_type", dir, "llama");
        if (modelType != "llama") throw new LoraLabException($"{file}: model_type \"{modelType}\" is not llama");
        if (json["rope_scaling"] is not null) throw new LoraLabException($"{file}: rope_scaling is not supported");
        if (Optional(json, "hidden_act", dir, "silu") != "silu") throw new LoraLabException($"{file}: hidden_act must be silu");
        if (Optional(json, "attention_bias", dir, false) || Optional(json, "mlp_bias", dir, false))
            throw new LoraLabException($"{file}: attention_bias / mlp_bias are not supported");
        var heads = Required<int>(json, "num_attention_heads", dir);
        var headDim = Optional(json, "head_dim", dir, Required<int>(json, "hidden_size", dir) / heads);
        if (headDim * heads != Required<int>(json, "hidden_size", dir))
            throw new LoraLabException($"{file}: head_dim {headDim} × {heads} heads != hidden_size");
    }

    /// <summary>
    /// Writes <paramref name="model"/> as an HF folder. Tied embeddings are saved once (no lm_head.weight), as
    /// transformers does. <paramref name="llama2cTokenizer"/>, if given, is copied in as tokenizer.bin and converted to
    /// tokenizer.model and tokenizer.json.
    /// </summary>
    public static void Save(LlamaModel model, string dir, long? shardMaxBytes = null, string? llama2cTokenizer = null)
    {
        if (model.Config.RopeLayout != RopeLayout.HalfSplit)
            throw new LoraLabException("HF Llama expects half-split RoPE: load llama2.c checkpoints with RopeLayout.HalfSplit to save them as HF");
        var weights = model.state_dict();
        if (weights.Keys.FirstOrDefault(k => k.Contains(".lora_") || k.Contains(".base_layer.")) is { } lora)
            throw new LoraLabException($"cannot save a model with LoRA layers as a base HF model ({lora}); merge and unwrap first");
        Write(dir, ToHfConfig(model.Config), weights, shardMaxBytes);
        if (llama2cTokenizer is not null) SaveTokenizer(llama2cTokenizer, model.Config, dir);
    }

    private static void SaveTokenizer(string llama2cTokenizer, LlamaConfig config, string dir)
    {
        var tokenizer = Llama2cTokenizer.Load(llama2cTokenizer, config.VocabSize);
        File.Copy(llama2cTokenizer, Path.Combine(dir, Llama2cTokenizerFile), overwrite: true);
        SentencePieceModel.Write(tokenizer, Path.Combine(dir, "tokenizer.model"));
        HfTokenizerJson.Write(tokenizer, Path.Combine(dir, HfTokenizerJson.FileName));
        var tokenizerConfig = new JsonObject
        {
            ["tokenizer_class"] = "LlamaTokenizer",
            ["bos_token"] = "<s>",
            ["eos_token"] = "</s>",
            ["unk_token"] = "<unk>",
            ["add_bos_token"] = true,
            ["add_eos_token"] = false,
            ["legacy"] = true, // plain SentencePiece behaviour, as llama2.c encodes
            ["model_max_length"] = config.MaxSeqLen,
        };
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), tokenizerConfig.ToJsonString(new() { WriteIndented = true }) + "\n");
    }

    /// <summary>The llama2.c tokenizer saved next to the weights by <see cref="Save"/>.</summary>
    public static Llama2cTokenizer LoadLlama2cTokenizer(string dir, int vocabSize) =>
        Llama2cTokenizer.Load(Path.Combine(dir, Llama2cTokenizerFile), vocabSize);

    /// <summary>
    /// The tokenizer of a model: for a folder its tokenizer.bin if present, else its tokenizer.json; for a file, a
    /// tokenizer.json when the name ends in .json, else a llama2.c tokenizer .bin.
    /// </summary>
    public static Llama2cTokenizer LoadTokenizer(string path, int vocabSize)
    {
        if (!Directory.Exists(path))
            return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? HfTokenizerJson.Load(path, vocabSize) : Llama2cTokenizer.Load(path, vocabSize);
        var bin = Path.Combine(path, Llama2cTokenizerFile);
        var json = Path.Combine(path, HfTokenizerJson.FileName);
        if (File.Exists(bin)) return Llama2cTokenizer.Load(bin, vocabSize);
        if (File.Exists(json)) return HfTokenizerJson.Load(json, vocabSize);
        throw new LoraLabException($"{path}: no tokenizer ({Llama2cTokenizerFile} or {HfTokenizerJson.FileName}) in the folder");
    }

    private static JsonObject ToHfConfig(LlamaConfig c) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["hidden_size"] = c.Dim,
        ["intermediate_size"] = c.HiddenDim,
        ["num_hidden_layers"] = c.NLayers,
        ["num_attention_heads"] = c.NHeads,
        ["num_key_value_heads"] = c.NKvHeads,
        ["vocab_size"] = c.VocabSize,
        ["max_position_embeddings"] = c.MaxSeqLen,
        ["rms_norm_eps"] = c.NormEps,
        ["rope_theta"] = c.RopeTheta,
        ["tie_word_embeddings"] = c.TieWordEmbeddings,
        ["hidden_act"] = "silu",
        ["bos_token_id"] = Llama2cTokenizer.Bos,
        ["eos_token_id"] = Llama2cTokenizer.Eos,
        ["torch_dtype"] = "float32",
    };
}
