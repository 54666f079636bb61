using System.CommandLine;
using System.Globalization;
using LoraLab.Experiments.Sweeps;
using LoraLab.Experiments.Tune;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Cli.Commands;

internal static class LrFindCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = "Finetune config (JSON), as for loralab finetune.",
            Required = true,
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Override one key of the config (dotted path). Repeatable.",
        };
        var output = new Option<string?>("--out")
        {
            Description = "Output folder (default runs/lr-find/<config name>).",
        };
        var steps = new Option<int>("--steps")
        {
            Description = "Steps of each ramp.",
            DefaultValueFactory = _ => new LrFindSettings().Steps,
        };
        var minLr = new Option<double>("--min-lr")
        {
            Description = "First LR of the ramp.",
            DefaultValueFactory = _ => new LrFindSettings().MinLr,
        };
        var maxLr = new Option<double>("--max-lr")
        {
            Description = "Last LR of the ramp.",
            DefaultValueFactory = _ => new LrFindSettings().MaxLr,
        };
        var inits = new Option<string>("--inits")
        {
            Description = "lora.init values, one ramp each.",
            DefaultValueFactory = _ => "a,b",
        };
        var jobs = new Option<int>("--jobs")
        {
            Description = "Ramps at a time (child processes when > 1).",
            DefaultValueFactory = _ => 1,
        };
        var cmd = new Command("lr-find",
            "LR range test per init: a short run of the finetune loop whose LR rises exponentially (100 steps, " +
            "1e-6..1), stopped when the smoothed loss (EMA 0.98) passes 4x its minimum; suggests the " +
            "steepest-descent, valley and minimum/10 LRs. Writes DIR/lr_find.json, lr_find.csv and lr_find.html; " +
            "rerunning the folder resumes.\n" +
            "Example: loralab lr-find --config configs/stories260k-wikitext2.json --out runs/lr-find-wt2");
        foreach (var o in new Option[] { config, set, output, steps, minLr, maxLr, inits, jobs }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(config)!;
            if (!File.Exists(path)) throw new LoraLabException($"config file not found: {path}", ExitCodes.Usage);
            var tree = ConfigLoader.ParseObject(File.ReadAllText(path), path);
            foreach (var assignment in parse.GetValue(set) ?? [])
            {
                var (key, value) = ConfigLoader.ParseAssignment(assignment);
                ConfigLoader.SetPath(tree, key, value, create: true);
            }
            tree.Remove("description");
            var settings = ConfigLoader.FromTree<LrFindSettings>(null, [
                $"steps={parse.GetValue(steps)}", $"min_lr={R(parse.GetValue(minLr))}",
                $"max_lr={R(parse.GetValue(maxLr))}",
                $"inits=[{string.Join(",", parse.GetValue(inits)!.Split(',').Select(i => $"\"{i.Trim()}\""))}]"],
                "lr-find");
            var log = parse.InvocationConfiguration.Error;
            FinetunePreflight.Check(tree, path, log);
            var name = Path.GetFileNameWithoutExtension(path);
            var outDir = parse.GetValue(output) ?? Path.Combine("runs", "lr-find", name);
            var options = new SweepRunOptions
            {
                Jobs = parse.GetValue(jobs),
                Threads = 1,
                Child = ChildCommand.Current(),
            };
            parse.InvocationConfiguration.Output.Write(
                LrFind.RunAndReport(name, tree, settings, outDir, RunKinds.Default, options, log));
            return ExitCodes.Ok;
        });
        return cmd;
    }

    static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
