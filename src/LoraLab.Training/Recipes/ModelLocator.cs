using System.Text.Json;
using LoraLab.IO;

namespace LoraLab.Training.Recipes;

/// <summary>
/// What <c>loralab finetune --model X</c> names: <c>minilm</c> (the built-in all-MiniLM-L6-v2), a llama2.c
/// checkpoint file (its tokenizer next to it: tokenizer.bin, else the one other tok*.bin, e.g. stories260K's
/// tok512.bin), or a Hugging Face folder, whose config.json <c>model_type</c> picks the loader.
/// </summary>
public static class ModelLocator
{
    public static ModelSpec Locate(string model)
    {
        if (model.Equals("minilm", StringComparison.OrdinalIgnoreCase))
            return new ModelSpec { Kind = ModelKind.Minilm };
        if (File.Exists(model))
            return new ModelSpec { Kind = ModelKind.Llama2c, Path = model, TokenizerPath = TokenizerNextTo(model) };
        if (Directory.Exists(model)) return new ModelSpec { Kind = KindOfFolder(model), Path = model };
        throw new LoraLabException(
            $"--model {model}: not 'minilm', a llama2.c .bin file or a Hugging Face model folder", ExitCodes.Usage);
    }

    static string TokenizerNextTo(string checkpoint)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(checkpoint))!;
        var named = Path.Combine(Path.GetDirectoryName(checkpoint) ?? "", "tokenizer.bin");
        if (File.Exists(named)) return named;
        var candidates = Directory.GetFiles(dir, "tok*.bin")
            .Where(f => Path.GetFileName(f) != Path.GetFileName(checkpoint)).Order(StringComparer.Ordinal).ToList();
        return candidates.Count == 1
            ? Path.Combine(Path.GetDirectoryName(checkpoint) ?? "", Path.GetFileName(candidates[0]))
            : throw new LoraLabException(
                $"--model {checkpoint}: found {candidates.Count} tokenizer files (tokenizer.bin or tok*.bin) next " +
                "to it; name one with --set model.tokenizer_path=FILE", ExitCodes.Usage);
    }

    /// <summary>config.json model_type → loader: bert → hf-bert; roberta → hf-roberta; gpt2 → hf-gpt2; llama, mistral,
    /// qwen2 → hf-llama (whose loader says which configs it reads).</summary>
    static ModelKind KindOfFolder(string folder)
    {
        var config = Path.Combine(folder, "config.json");
        if (!File.Exists(config))
            throw new LoraLabException($"--model {folder}: no config.json (not a Hugging Face model folder)",
                                       ExitCodes.Usage);
        string? type;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(config));
            type = doc.RootElement.TryGetProperty("model_type", out var t) ? t.GetString() : null;
        }
        catch (JsonException ex)
        {
            throw new LoraLabException($"{config}: malformed JSON ({ex.Message.Split(" Path:")[0]})",
                                       ExitCodes.BadInput, ex);
        }
        return type switch
        {
            "bert" => ModelKind.HfBert,
            "roberta" => ModelKind.HfRoberta,
            "llama" or "mistral" or "qwen2" => ModelKind.HfLlama,
            "gpt2" => ModelKind.HfGpt2,
            _ => throw new LoraLabException(
                $"{config}: model_type '{type}' cannot be finetuned here " +
                "(supported: bert, roberta, llama, mistral, qwen2, gpt2)",
                ExitCodes.Usage),
        };
    }
}
