using System.CommandLine;
using LoraLab.Experiments.WidthSweep;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab reproduce</c>: the teacher–student width sweep of Hayou et al. (2024), both readouts.</summary>
public static class ReproduceCommand
{
    public static Command Create()
    {
        var outDir = new Option<string?>("--out") { Description = "Output folder (default: a fresh runs/reproduce-<UTC time>)." };
        var quick = new Option<bool>("--quick") { Description = "Reduced protocol (4 widths, 2 seeds, 200 steps; under a minute)." };
        var seed = new Option<long?>("--seed") { Description = "First seed (seeds are seed, seed+1, ...); default 0." };
        var config = new Option<string?>("--config") { Description = "Protocol overrides (JSON, e.g. configs/reproduce/*.json)." };
        var set = new Option<string[]>("--set") { Description = "Override one protocol key (key=value); repeatable.", AllowMultipleArgumentsPerToken = false };
        var command = new Command("reproduce",
            "Measure how the best and the largest stable LoRA learning rate scale with width for Init[A] and Init[B] " +
            "(teacher–student toy; table on stdout, summary.json, figures and report.html in --out).\n" +
            "Example: loralab reproduce --quick --out runs/quick");
        foreach (var o in new Option[] { outDir, quick, seed, config, set }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var overrides = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(seed) is { } s) overrides.Add($"seed={s}");
            var protocol = WidthSweepConfig.Load(parse.GetValue(config), parse.GetValue(quick), overrides);
            var dir = parse.GetValue(outDir) ?? Path.Combine("runs", $"reproduce-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            var io = parse.InvocationConfiguration;
            WidthSweepReproduce.Run(protocol, dir, io.Output, new SweepProgress(io.Error), CancellationToken.None);
            return 0;
        });
        return command;
    }
}
