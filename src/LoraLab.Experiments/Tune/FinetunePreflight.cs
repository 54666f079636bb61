using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Recipes;

namespace LoraLab.Experiments.Tune;

/// <summary>
/// Before lr-find or tune writes anything: the finetune config loads strictly and its model and data load (the
/// task is built once and dropped), so a bad config, a corrupt checkpoint or an unreadable data file is one line
/// and an exit code, not a folder of failed trials.
/// </summary>
public static class FinetunePreflight
{
    public static FinetuneConfig Check(JsonObject config, string source, TextWriter log)
    {
        var resolved = ConfigLoader.FromTree<FinetuneConfig>(config, null, source);
        log.WriteLine($"[preflight] loading the model and data of {source} once");
        try
        {
            using var task = FinetuneTaskFactory.Create(resolved, TextWriter.Null);
        }
        catch (LoraLabException ex)
        {
            throw new LoraLabException($"{source}: {ex.Message}", ex.ExitCode, ex);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or ArgumentException
                                       or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new LoraLabException($"{source}: model or data did not load: {ex.Message.ReplaceLineEndings(" ")}",
                ExitCodes.BadInput, ex);
        }
        return resolved;
    }
}
