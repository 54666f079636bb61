using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Checkpoints;
using static LoraLab.IO.Checkpoints.HfCheckpoint;

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

    /// <summary>
    /// The model's shape from config.json of model_type llama, mistral or qwen2. Keys that would change the function
    /// and are not implemented (another rope_scaling type, Qwen2's use_sliding_window, a non-silu activation, an
    /// unknown key) are a one-line error naming the key.
    /// </summary>
    public static LlamaConfig ReadConfig(string dir)
    {
        var json = HfCheckpoint.ReadConfig(dir);
        var file = Path.Combine(dir, ConfigFile);
        var modelType = Optional(json, "model_type", dir, "llama");
        var family = modelType switch
        {
            "llama" or "mistral" or "qwen2" => modelType,
            _ => throw new LoraLabException($"{file}: model_type \"{modelType}\" is not llama, mistral or qwen2",
                                            ExitCodes.BadInput),
        };
        if (json.Select(kv => kv.Key).FirstOrDefault(
            k => !KnownKeys.Contains(k) && !GenericKeys.Contains(k)) is { } unknown)
            throw new LoraLabException($"{file}: unsupported config key \"{unknown}\" for {modelType}",
                                       ExitCodes.BadInput);
        if (Optional(json, "hidden_act", dir, "silu") is var act && act != "silu")
            throw new LoraLabException($"{file}: hidden_act \"{act}\" is not supported (only silu)",
                                       ExitCodes.BadInput);
        if (Optional(json, "pretraining_tp", dir, 1) != 1)
            throw new LoraLabException($"{file}: pretraining_tp other than 1 is not supported", ExitCodes.BadInput);
        if (family == "qwen2" && Optional(json, "use_sliding_window", dir, false))
            throw new LoraLabException($"{file}: use_sliding_window true is not supported for qwen2",
                                       ExitCodes.BadInput);
        var heads = Required<int>(json, "num_attention_heads", dir);
        var hidden = Required<int>(json, "hidden_size", dir);
        var headDim = Optional<int?>(json, "head_dim", dir, null);
        var attentionBias = Optional(json, "attention_bias", dir, false);
        var config = new LlamaConfig
        {
            Dim = hidden,
            HiddenDim = Required<int>(json, "intermediate_size", dir),
            NLayers = Required<int>(json, "num_hidden_layers", dir),
            NHeads = heads,
            NKvHeads = Optional(json, "num_key_value_heads", dir, heads),
            ExplicitHeadDim = headDim == hidden / heads && hidden % heads == 0 ? null : headDim,
            VocabSize = Required<int>(json, "vocab_size", dir),
            MaxSeqLen = Required<int>(json, "max_position_embeddings", dir),
            NormEps = Optional(json, "rms_norm_eps", dir, 1e-6),
            RopeTheta = Optional(json, "rope_theta", dir, 10000.0),
            RopeScaling = ReadRopeScaling(json, file),
            TieWordEmbeddings = Optional(json, "tie_word_embeddings", dir, false), // HF default for all three
            RopeLayout = RopeLayout.HalfSplit,
            QkvBias = family == "qwen2" || attentionBias,
            OutputBias = family != "qwen2" && attentionBias,
            MlpBias = family != "qwen2" && Optional(json, "mlp_bias", dir, false),
            // MistralConfig's default window is 4096; Qwen2 without use_sliding_window attends everywhere.
            SlidingWindow = family == "mistral" ? Optional<int?>(json, "sliding_window", dir, 4096) : null,
        };
        var errors = config.Validate().ToList();
        if (errors.Count > 0) throw new LoraLabException($"{file}: {string.Join("; ", errors)}", ExitCodes.BadInput);
        return config;
    }

    // Keys of LlamaConfig / MistralConfig / Qwen2Config read above or without effect on the forward pass.
    private static readonly HashSet<string> KnownKeys =
    [
        "model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "num_key_value_heads", "head_dim", "vocab_size", "max_position_embeddings", "rms_norm_eps", "rope_theta",
        "rope_scaling", "tie_word_embeddings", "attention_bias", "mlp_bias", "hidden_act", "pretraining_tp",
        "sliding_window", "use_sliding_window", "max_window_layers", "attention_dropout", "initializer_range",
        "use_cache", "bos_token_id", "eos_token_id", "pad_token_id",
    ];

    // PretrainedConfig's own keys (bookkeeping, generation defaults, labels): no effect on the forward pass.
    internal static readonly HashSet<string> GenericKeys =
    [
        "architectures", "_name_or_path", "torch_dtype", "dtype", "transformers_version", "return_dict",
        "output_hidden_states", "output_attentions", "torchscript", "use_bfloat16", "tokenizer_class", "id2label",
        "label2id", "problem_type", "is_encoder_decoder", "is_decoder", "add_cross_attention", "tie_encoder_decoder",
        "prefix", "task_specific_params", "finetuning_task", "chunk_size_feed_forward", "pruned_heads",
        "max_length", "min_length", "do_sample", "early_stopping", "num_beams", "temperature", "top_k", "top_p",
        "repetition_penalty", "length_penalty", "no_repeat_ngram_size", "bad_words_ids", "num_return_sequences",
        "decoder_start_token_id", "sep_token_id", "forced_bos_token_id", "forced_eos_token_id", "quantization_config",
    ];

    // null / "default": plain RoPE; "llama3": Llama3RopeScaling; any other type is refused by name.
    private static Llama3RopeScaling? ReadRopeScaling(JsonObject json, string file)
    {
        if (json["rope_scaling"] is not JsonObject scaling) return json["rope_scaling"] is null ? null
            : throw new LoraLabException($"{file}: rope_scaling must be an object or null", ExitCodes.BadInput);
        var type = (scaling["rope_type"] ?? scaling["type"])?.ToString();
        if (type == "default") return null;
        if (type != "llama3")
            throw new LoraLabException($"{file}: rope_scaling type \"{type}\" is not supported (only llama3)",
                                       ExitCodes.BadInput);
        double Number(string key) => scaling[key]?.GetValue<double>()
            ?? throw new LoraLabException($"{file}: rope_scaling has no \"{key}\"", ExitCodes.BadInput);
        try
        {
            return new Llama3RopeScaling
            {
                Factor = Number("factor"),
                LowFreqFactor = Number("low_freq_factor"),
                HighFreqFactor = Number("high_freq_factor"),
                OriginalMaxPositionEmbeddings = (int)Number("original_max_position_embeddings"),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new LoraLabException($"{file}: rope_scaling: {e.Message}", ExitCodes.BadInput);
        }
    }

    /// <summary>
    /// Writes <paramref name="model"/> as an HF folder. Tied embeddings are saved once (no lm_head.weight), as
    /// transformers does. <paramref name="llama2cTokenizer"/>, if given, is copied in as tokenizer.bin and converted to
    /// tokenizer.model and tokenizer.json.
    /// </summary>
    public static void Save(LlamaModel model, string dir, long? shardMaxBytes = null, string? llama2cTokenizer = null)
    {
        if (model.Config.RopeLayout != RopeLayout.HalfSplit)
            throw new LoraLabException("HF Llama expects half-split RoPE: " +
                                       "load llama2.c checkpoints with RopeLayout.HalfSplit to save them as HF");
        var c = model.Config;
        if (c.ExplicitHeadDim is not null || c.RopeScaling is not null || c.QkvBias || c.OutputBias || c.MlpBias
            || c.SlidingWindow is not null)
            throw new LoraLabException("HfLlama.Save writes Llama-2-shaped configs only; " +
                                       "copy the source folder's config.json instead");
        var weights = model.state_dict();
        if (weights.Keys.FirstOrDefault(k => k.Contains(".lora_") || k.Contains(".base_layer.")) is { } lora)
            throw new LoraLabException($"cannot save a model with LoRA layers as a base HF model ({lora}); " +
                                       "merge and unwrap first");
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
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
                          tokenizerConfig.ToJsonString(new() { WriteIndented = true }) + "\n");
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
            return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                ? HfTokenizerJson.Load(path, vocabSize)
                : Llama2cTokenizer.Load(path, vocabSize);
        var bin = Path.Combine(path, Llama2cTokenizerFile);
        var json = Path.Combine(path, HfTokenizerJson.FileName);
        if (File.Exists(bin)) return Llama2cTokenizer.Load(bin, vocabSize);
        if (File.Exists(json)) return HfTokenizerJson.Load(json, vocabSize);
        throw new LoraLabException(
            $"{path}: no tokenizer ({Llama2cTokenizerFile} or {HfTokenizerJson.FileName}) in the folder");
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
