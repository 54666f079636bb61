using System.Text.Json.Nodes;
using LoraLab.Core;
using LoraLab.Core.Safetensors;

namespace LoraLab.Training.Recipes;

/// <summary>
/// Writes DIR/adapter/ in PEFT's layout: adapter_model.safetensors (metadata {"format":"pt"}) with the snapshot's
/// tensors under PEFT names, and adapter_config.json with PEFT's LoRA keys (anchors.md §1.6).
/// Interim: to be replaced by the Core PEFT adapter writer (LoraLab.Core.Adapters) when it lands on main.
/// </summary>
public static class AdapterExport
{
    public static string Save(string directory, IReadOnlyDictionary<string, TorchSharp.torch.Tensor> tensors, LoraConfig lora,
                              bool classification, IReadOnlyList<string> modulesToSave, string baseModel)
    {
        Directory.CreateDirectory(directory);
        SafetensorsFile.Save(Path.Combine(directory, "adapter_model.safetensors"), tensors,
                             new Dictionary<string, string> { ["format"] = "pt" });
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = classification ? "SEQ_CLS" : "CAUSAL_LM",
            ["base_model_name_or_path"] = baseModel,
            ["inference_mode"] = true,
            ["r"] = lora.Rank,
            ["lora_alpha"] = lora.Alpha,
            ["lora_dropout"] = lora.Dropout,
            ["target_modules"] = new JsonArray(lora.TargetModules.Select(t => (JsonNode)t!).ToArray()),
            ["use_rslora"] = lora.Scaling == LoraScaling.AlphaOverSqrtR,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["modules_to_save"] = modulesToSave.Count == 0 ? null : new JsonArray(modulesToSave.Select(m => (JsonNode)m!).ToArray()),
            ["init_lora_weights"] = true,
            ["rank_pattern"] = new JsonObject(lora.RankPattern.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["alpha_pattern"] = new JsonObject(lora.AlphaPattern.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        File.WriteAllText(Path.Combine(directory, "adapter_config.json"), config.ToJsonString(new() { WriteIndented = true }) + "\n");
        return directory;
    }
}
