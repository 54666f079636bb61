using System.CommandLine;
using System.Globalization;
using LoraLab.Core.Config;
using LoraLab.Training.Recipes;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab finetune --config FILE [--set key=value ...] --out DIR</c></summary>
public static class FinetuneCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = "JSON file of overrides of the built-in defaults (e.g. configs/minilm-sst2.json); omit for defaults.",
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one key (dotted path, snake_case), e.g. --set optim.lr=2e-4 --set lora.init=b. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string>("--out")
        {
            Description = "Output folder: result.json, metrics.jsonl, adapter/.",
            Required = true,
        };
        var command = new Command("finetune",
            "LoRA-finetune a pretrained model (MiniLM on GLUE, stories260K on text) with per-group AdamW, an LR schedule, " +
            "evaluation, gradient clipping and a NaN guard; progress on stderr.\n" +
            "Example: loralab finetune --config configs/minilm-sst2.json --set steps=200 --out runs/sst2")
        {
            config, set, output,
        };
        command.SetAction(parse =>
        {
            var cfg = ConfigLoader.Load<FinetuneConfig>(parse.GetValue(config), parse.GetValue(set) ?? []);
            var result = FinetuneRecipe.Run(cfg, parse.GetValue(output)!, parse.InvocationConfiguration.Error);
            var c = CultureInfo.InvariantCulture;
            var metric = result.PrimaryMetric;
            var before = result.InitialMetrics?.TryGetValue(metric, out var b) == true ? string.Format(c, "{0:G5} -> ", b) : "";
            parse.InvocationConfiguration.Output.WriteLine(string.Format(c, "{0}: {1} {2}{3:G5} after {4} steps in {5:F0} s -> {6}",
                result.Status, metric, before, result.FinalMetrics.GetValueOrDefault(metric, double.NaN),
                result.StepsCompleted, result.WallSeconds, Path.Combine(parse.GetValue(output)!, "result.json")));
            return result.Status == "completed" ? 0 : Core.ExitCodes.RunFailed;
        });
        return command;
    }
}
