using System.CommandLine;
using System.Globalization;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Recipes;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab finetune [--config FILE] [--model M --data FILE --task T ...] [--set key=value ...]
/// --out DIR</c>, or <c>--resume DIR</c>.</summary>
internal static class FinetuneCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = "JSON file of overrides of the built-in defaults (e.g. configs/minilm-sst2.json); " +
                          "omit for defaults.",
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one key (dotted path, snake_case), e.g. --set optim.lr=2e-4 --set lora.init=b. " +
                          "Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string>("--out")
        {
            Description = "Output folder: config.json (the resolved config), result.json, metrics.jsonl, adapter/, " +
                          "checkpoints/.",
        };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the run in this folder from its newest good checkpoint, with its own config.json " +
                          "(bit-identical to a run that never stopped); no --config/--set/--out.",
        };
        var flags = new FinetuneFlags();
        var command = new Command("finetune",
            "LoRA-finetune a pretrained model on a built-in data set or your own file (CSV/TSV/JSONL/JSON/Parquet) " +
            "with per-group AdamW, an LR schedule, evaluation, gradient clipping and a NaN guard; progress on " +
            "stderr. " +
            "The flags are shorthands for --set keys; DIR/config.json holds the resolved config.\n" +
            "Example: loralab finetune --model minilm --data data/examples/sst2-sample.csv --task classify " +
            "--text-column text --label-column label --out runs/y\n" +
            "         loralab finetune --model data/stories260K/stories260K.bin --data data/examples/instruct.jsonl " +
            "--task instruct --out runs/x\n" +
            "         loralab finetune --config configs/minilm-sst2.json --set steps=200 --out runs/sst2\n" +
            "         loralab finetune --config runs/y/config.json --out runs/y2      # the same run again\n" +
            "         loralab finetune --resume runs/sst2      # after a kill, Ctrl+C or SIGTERM")
        {
            config, set, output, resume,
        };
        foreach (var option in flags.Options) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var log = parse.InvocationConfiguration.Error;
            var resumeDir = parse.GetValue(resume);
            var outDir = resumeDir ?? parse.GetValue(output)
                         ?? throw new LoraLabException("finetune: --out DIR is required (or --resume DIR)",
                                                       ExitCodes.Usage);
            var configPath = parse.GetValue(config);
            var assignments = flags.Assignments(parse, configPath is not null)
                .Concat(parse.GetValue(set) ?? []).ToList();
            var runOptions = configPath is not null || assignments.Count > 0 || parse.GetValue(output) is not null;
            if (resumeDir is not null && runOptions)
                throw new LoraLabException(
                    "finetune: --resume takes the run's own config.json; drop --config/--set/--out and the other flags",
                    ExitCodes.Usage);
            FinetuneResult result;
            if (resumeDir is not null) result = FinetuneRecipe.Resume(resumeDir, log);
            else
            {
                var cfg = ConfigLoader.Load<FinetuneConfig>(configPath, assignments);
                var resolved = Path.Combine(outDir, FinetuneRecipe.ConfigFile);
                log.WriteLine($"config: {resolved} holds the resolved config " +
                              $"(loralab finetune --config {resolved} --out DIR runs it again)");
                result = FinetuneRecipe.Run(cfg, outDir, log);
            }
            var c = CultureInfo.InvariantCulture;
            var metric = result.PrimaryMetric;
            var before = result.InitialMetrics?.TryGetValue(metric, out var b) == true
                ? string.Format(c, "{0:G5} -> ", b) : "";
            parse.InvocationConfiguration.Output.WriteLine(string.Format(c,
                "{0}: {1} {2}{3:G5} after {4} steps in {5:F0} s -> {6}",
                result.Status, metric, before, result.FinalMetrics.GetValueOrDefault(metric, double.NaN),
                result.StepsCompleted, result.WallSeconds, Path.Combine(outDir, "result.json")));
            return result.Status == "completed" ? 0 : ExitCodes.RunFailed;
        });
        return command;
    }
}
