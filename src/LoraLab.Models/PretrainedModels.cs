using LoraLab.IO;
using LoraLab.IO.Checkpoints;
using LoraLab.Models.Generation;
using LoraLab.Models.Gpt2;
using LoraLab.Models.Llama;
using LoraLab.Models.Tokenizers;
using static TorchSharp.torch;

namespace LoraLab.Models;

/// <summary>
/// A decoder and its tokenizer, loaded in one call. <see cref="BaseModelName"/> is what adapters record as
/// base_model_name_or_path: config.json's <c>_name_or_path</c> (the Hub id transformers wrote) when present, else
/// the path given. <see cref="DefaultTargets"/> are PEFT's default LoRA targets for the architecture.
/// </summary>
public sealed record PretrainedCausalLm(
    nn.Module<Tensor, Tensor> Model, ITokenizer Tokenizer, HfArchitecture? Architecture, string BaseModelName)
{
    /// <summary>The model as an incremental decoder (every causal LM LoraLab loads is one).</summary>
    public ICausalLm Decoder => (ICausalLm)Model;

    /// <summary>PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING entry (llama2.c: as Llama).</summary>
    public IReadOnlyList<string> DefaultTargets =>
        PretrainedModels.DefaultTargets(Architecture ?? HfArchitecture.Llama);
}

/// <summary>Entry point for "a model path a user gives": llama2.c <c>.bin</c> files and HF folders.</summary>
public static class PretrainedModels
{
    /// <summary>The family of an HF folder by config.json's model_type; an unknown type is a one-line error naming
    /// it.</summary>
    public static HfArchitecture Architecture(string dir)
    {
        var json = HfCheckpoint.ReadConfig(dir);
        var type = HfCheckpoint.Optional<string?>(json, "model_type", dir, null);
        return type switch
        {
            "llama" => HfArchitecture.Llama,
            "mistral" => HfArchitecture.Mistral,
            "qwen2" => HfArchitecture.Qwen2,
            "gpt2" => HfArchitecture.Gpt2,
            "bert" => HfArchitecture.Bert,
            "roberta" => HfArchitecture.Roberta,
            null => throw new LoraLabException($"{Path.Combine(dir, HfCheckpoint.ConfigFile)}: no \"model_type\"",
                                               ExitCodes.BadInput),
            _ => throw new LoraLabException($"{Path.Combine(dir, HfCheckpoint.ConfigFile)}: model_type \"{type}\" " +
                                            "is not supported (llama, mistral, qwen2, gpt2, bert, roberta)",
                                            ExitCodes.BadInput),
        };
    }

    /// <summary>PEFT's default LoRA targets per architecture.</summary>
    public static IReadOnlyList<string> DefaultTargets(HfArchitecture architecture) => architecture switch
    {
        HfArchitecture.Llama or HfArchitecture.Mistral or HfArchitecture.Qwen2 => ["q_proj", "v_proj"],
        HfArchitecture.Gpt2 => ["c_attn"],
        HfArchitecture.Bert or HfArchitecture.Roberta => ["query", "value"],
    };

    /// <summary>
    /// A causal LM: a llama2.c <c>.bin</c> (with <paramref name="tokenizerPath"/>, its tokenizer .bin) or an HF
    /// folder of model_type llama, mistral, qwen2 or gpt2 with its tokenizer (tokenizer.json, vocab.json + merges.txt,
    /// or LoraLab's tokenizer.bin). <paramref name="tokenizerPath"/> overrides the folder's tokenizer.
    /// </summary>
    public static PretrainedCausalLm LoadCausalLm(string path, string? tokenizerPath = null)
    {
        if (File.Exists(path))
        {
            if (tokenizerPath is null)
                throw new LoraLabException($"{path}: a llama2.c checkpoint needs a tokenizer " +
                                           "(tokenizer.bin / tok512.bin)", ExitCodes.Usage);
            var model = Llama2cCheckpoint.Load(path);
            var tokenizer = HfLlama.LoadTokenizer(tokenizerPath, model.Config.VocabSize);
            return new PretrainedCausalLm(model, tokenizer, null, path);
        }
        if (!Directory.Exists(path)) throw new LoraLabException($"model not found: {path}", ExitCodes.BadInput);
        var architecture = Architecture(path);
        nn.Module<Tensor, Tensor> loaded = architecture switch
        {
            HfArchitecture.Llama or HfArchitecture.Mistral or HfArchitecture.Qwen2 => HfLlama.Load(path),
            HfArchitecture.Gpt2 => HfGpt2.Load(path),
            HfArchitecture.Bert or HfArchitecture.Roberta => throw new LoraLabException(
                $"{path}: {architecture} is an encoder, not a causal language model", ExitCodes.Usage),
        };
        var vocab = loaded is LlamaModel llama ? llama.Config.VocabSize : ((Gpt2Model)loaded).Config.VocabSize;
        return new PretrainedCausalLm(loaded, LoadTokenizer(tokenizerPath ?? path, vocab), architecture, NameOf(path));
    }

    /// <summary>
    /// The tokenizer of a folder or file: byte-level BPE (tokenizer.json of that kind, vocab.json + merges.txt), else
    /// the SentencePiece-style Llama tokenizer (tokenizer.bin, Llama-2 tokenizer.json) as <see
    /// cref="HfLlama.LoadTokenizer"/> reads it.
    /// </summary>
    public static ITokenizer LoadTokenizer(string path, int vocabSize)
    {
        var dir = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        var isJson = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (Directory.Exists(path) && !File.Exists(Path.Combine(path, HfLlama.Llama2cTokenizerFile))
            && ByteLevelBpeFiles.IsByteLevel(path))
            return CheckVocab(ByteLevelBpeFiles.Load(path), vocabSize, path);
        if (isJson && Path.GetFileName(path) == ByteLevelBpeFiles.TokenizerJson && ByteLevelBpeFiles.IsByteLevel(dir))
            return CheckVocab(ByteLevelBpeFiles.Load(dir), vocabSize, path);
        return HfLlama.LoadTokenizer(path, vocabSize);
    }

    private static ITokenizer CheckVocab(ITokenizer tokenizer, int vocabSize, string path) =>
        tokenizer.VocabSize <= vocabSize ? tokenizer
            : throw new LoraLabException($"{path}: the tokenizer has {tokenizer.VocabSize} ids, " +
                                         $"the model only {vocabSize}", ExitCodes.BadInput);

    /// <summary>config.json's _name_or_path when it names a model, else the folder's full path.</summary>
    public static string NameOf(string dir)
    {
        var json = HfCheckpoint.ReadConfig(dir);
        var name = HfCheckpoint.Optional<string?>(json, "_name_or_path", dir, null);
        return string.IsNullOrWhiteSpace(name) ? Path.GetFullPath(dir) : name;
    }
}
