using System.CommandLine;
using System.Globalization;
using LoraLab.Core;
using LoraLab.Core.Config;
using LoraLab.Training.Recipes;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab finetune --config FILE [--set key=value ...] --out DIR</c>, or <c>--resume DIR</c>.</summary>
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
            Description = "Output folder: result.json, metrics.jsonl, adapter/, checkpoints/.",
        };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the run in this folder from its newest good checkpoint, with its own config.json " +
                          "(bit-identical to a run that never stopped); no --config/--set/--out.",
        };
        var command = new Command("finetune",
            "LoRA-finetune a pretrained model (MiniLM on GLUE, stories260K on text) with per-group AdamW, an LR schedule, " +
            "evaluation, gradient clipping and a NaN guard; progress on stderr.\n" +
            "Example: loralab finetune --config configs/minilm-sst2.json --set steps=200 --out runs/sst2\n" +
            "         loralab finetune --resume runs/sst2      # after a kill, Ctrl+C or SIGTERM")
        {
            config, set, output, resume,
        };
        command.SetAction(parse =>
        {
            var resumeDir = parse.GetValue(resume);
            var outDir = resumeDir ?? parse.GetValue(output)
                         ?? throw new LoraLabException("finetune: --out DIR is required (or --resume DIR)", ExitCodes.Usage);
            if (resumeDir is not null && (parse.GetValue(config) is not null || (parse.GetValue(set) ?? []).Length > 0
                                          || parse.GetValue(output) is not null))
                throw new LoraLabException("finetune: --resume takes the run's own config.json; drop --config/--set/--out",
                                           ExitCodes.Usage);
            var result = resumeDir is not null
                ? FinetuneRecipe.Resume(resumeDir, parse.InvocationConfiguration.Error)
                : FinetuneRecipe.Run(ConfigLoader.Load<FinetuneConfig>(parse.GetValue(config), parse.GetValue(set) ?? []),
                                     outDir, parse.InvocationConfiguration.Error);
            var c = CultureInfo.InvariantCulture;
            var metric = result.PrimaryMetric;
            var before = result.InitialMetrics?.TryGetValue(metric, out var b) == true ? string.Format(c, "{0:G5} -> ", b) : "";
            parse.InvocationConfiguration.Output.WriteLine(string.Format(c, "{0}: {1} {2}{3:G5} after {4} steps in {5:F0} s -> {6}",
                result.Status, metric, before, result.FinalMetrics.GetValueOrDefault(metric, double.NaN),
                result.StepsCompleted, result.WallSeconds, Path.Combine(outDir, "result.json")));
            return result.Status == "completed" ? 0 : ExitCodes.RunFailed;
        });
        return command;
    }
}
