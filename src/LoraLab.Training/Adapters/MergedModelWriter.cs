using System.Text.Json.Nodes;
using LoraLab.Core.Adapters;
using LoraLab.IO;
using LoraLab.IO.Checkpoints;
using LoraLab.IO.Safetensors;
using LoraLab.Models;
using LoraLab.Models.Gpt2;
using LoraLab.Models.Llama;
using static TorchSharp.torch;

namespace LoraLab.Training.Adapters;

/// <summary>
/// Folds a PEFT-format LoRA adapter into its base model (W ← W + s·B·A) and writes a plain Hugging Face model folder
/// that loads without LoRA anywhere (transformers, LoraLab): the base's config.json, weights in the base's dtype under
/// the base's tensor names (GPT-2 Conv1D weights back to (in, out)), and the base's tokenizer files. A llama2.c .bin
/// base is written as an HF Llama folder, as <c>convert-llama2c</c> does.
/// </summary>
public static class MergedModelWriter
{
    /// <summary>Files next to an HF model that describe its tokenizer or generation defaults: copied
    /// unchanged.</summary>
    public static readonly string[] TokenizerFiles =
    [
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt",
        "tokenizer.model", HfLlama.Llama2cTokenizerFile, "generation_config.json", "added_tokens.json",
    ];

    public static void Write(string modelPath, string adapterDir, string outDir, string? tokenizerPath = null,
        long? shardMaxBytes = null)
    {
        if (Path.GetFullPath(outDir) == Path.GetFullPath(modelPath))
            throw new LoraLabException($"--out {outDir} is the base model itself; choose another folder",
                                       ExitCodes.Usage);
        var lm = PretrainedModels.LoadCausalLm(modelPath, tokenizerPath);
        var layers = PeftAdapter.Apply(adapterDir, lm.Model).Layers;
        foreach (var layer in layers) layer.Layer.Merge();
        var merged = Unwrapped(lm.Model.state_dict());
        if (lm.Architecture is null) // llama2.c .bin: a fresh Llama with the merged weights, saved as HF
        {
            var llama = new LlamaModel(((LlamaModel)lm.Model).Config);
            StateDictLoader.Load(llama, merged, adapterDir);
            HfLlama.Save(llama, outDir, shardMaxBytes, tokenizerPath);
            return;
        }
        var dtype = BaseDType(modelPath);
        var tensors = merged.ToDictionary(kv => kv.Key,
                                          kv => HfLayout(lm.Model, kv.Key, kv.Value).to(dtype).contiguous());
        if (lm.Model is LlamaModel { Config.TieWordEmbeddings: true }) tensors.Remove("lm_head.weight");
        HfCheckpoint.Write(outDir, HfCheckpoint.ReadConfig(modelPath), tensors, shardMaxBytes);
        var tokenizerDir = tokenizerPath is null ? modelPath
            : Directory.Exists(tokenizerPath) ? tokenizerPath : Path.GetDirectoryName(Path.GetFullPath(tokenizerPath))!;
        foreach (var file in TokenizerFiles.Select(f => Path.Combine(tokenizerDir, f)).Where(File.Exists))
            File.Copy(file, Path.Combine(outDir, Path.GetFileName(file)), overwrite: true);
    }

    // PEFT-style names (…q_proj.base_layer.weight, …lora_A.weight) → the base model's (…q_proj.weight).
    private static Dictionary<string, Tensor> Unwrapped(IReadOnlyDictionary<string, Tensor> state) =>
        state.Where(kv => !kv.Key.Contains(".lora_"))
            .ToDictionary(kv => kv.Key.Replace(".base_layer.", "."), kv => kv.Value.detach());

    // Our GPT-2 keeps Conv1D weights as Linear (out, in); HF stores them (in, out).
    private static Tensor HfLayout(nn.Module model, string name, Tensor t) =>
        model is Gpt2Model && HfGpt2.IsConv1DWeight(name) ? t.t() : t;

    /// <summary>The dtype of the base folder's first tensor (all HF writers use one dtype per checkpoint).</summary>
    private static ScalarType BaseDType(string dir)
    {
        var single = Path.Combine(dir, HfCheckpoint.WeightsFile);
        string FirstShard() =>
            JsonNode.Parse(File.ReadAllText(Path.Combine(dir, HfCheckpoint.IndexFile)))!["weight_map"]!
                .AsObject().First().Value!.GetValue<string>();
        var file = File.Exists(single) ? single : Path.Combine(dir, FirstShard());
        var entry = SafetensorsFile.ReadHeader(file).Entries.FirstOrDefault()
                    ?? throw new LoraLabException($"{file}: no tensors", ExitCodes.BadInput);
        return entry.DType.ToScalarType() is { } t
               && t is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16
            ? t
            : throw new LoraLabException($"{file}: base weights of dtype {entry.DType} cannot be merged " +
                                         "(F32, F16, BF16)", ExitCodes.BadInput);
    }
}
