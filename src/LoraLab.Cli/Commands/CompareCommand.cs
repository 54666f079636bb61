using System.CommandLine;
using LoraLab.Experiments.Compare;
using LoraLab.IO;

namespace LoraLab.Cli.Commands;

internal static class CompareCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Sweep folder." };
        var baseline = new Option<string>("--baseline")
        {
            Description = "Baseline runs: key=value[,key=value]; a key is an axis or config path or its last segment "
                          + "(init = lora.init), any case (init=A).",
            Required = true,
        };
        var candidate = new Option<string>("--candidate")
        {
            Description = "Candidate runs: key=value[,key=value], keys as for --baseline.", Required = true,
        };
        var metric = new Option<string?>("--metric")
        {
            Description = "Metric (default: the sweep kind's first metric).",
        };
        var lrKey = new Option<string>("--lr-key")
        {
            Description = "The LR key (lr = optim.lr in a finetune sweep).", DefaultValueFactory = _ => "lr",
        };
        var seed = new Option<int>("--bootstrap-seed")
        {
            Description = "Seed of the bootstrap.",
            DefaultValueFactory = _ => new SweepComparison.Options().BootstrapSeed,
        };
        var json = new Option<string?>("--json") { Description = "JSON output (default: DIR/compare.json)." };
        var cmd = new Command("compare",
            "Baseline vs candidate, each at its own best LR per task: mean and 95% CI over seeds, paired difference " +
            "by seed with its t-interval, exact sign and permutation tests (a seeded bootstrap from 8 seed pairs), " +
            "verdict, and LR robustness (band within 1% of the best, in " +
            "decades). The same short keys work for toy and finetune sweeps.\n" +
            "Example: loralab compare runs/smoke --baseline init=a --candidate init=b --metric final_train_loss");
        cmd.Arguments.Add(dir);
        foreach (var o in new Option[] { baseline, candidate, metric, lrKey, seed, json }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var folder = parse.GetValue(dir)!;
            var options = new SweepComparison.Options(LrKey: parse.GetValue(lrKey)!,
                BootstrapSeed: parse.GetValue(seed));
            var path = parse.GetValue(json) ?? Path.Combine(Path.GetFullPath(folder), "compare.json");
            Console.Out.Write(SweepComparison.CompareFolder(folder, parse.GetValue(baseline)!,
                parse.GetValue(candidate)!, parse.GetValue(metric), options, path));
            Console.Out.WriteLine($"json: {path}");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
