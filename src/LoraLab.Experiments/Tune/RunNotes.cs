using System.Text.Json;
using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Tune;

/// <summary>What a finetune run's own result.json says beyond the sweep's result.</summary>
internal static class RunNotes
{
    /// <summary>Why a run ended early (its divergence_reason: a monitor or a non-finite value), when the kind wrote
    /// one.</summary>
    public static string? StopReason(ResultStore store, string id)
    {
        var path = Path.Combine(store.RunDirectory(id), FinetuneRunKind.OutputFolder, "result.json");
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["divergence_reason"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
