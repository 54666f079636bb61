using System.CommandLine;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Cli.Commands;

internal static class ReportCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Sweep folder." };
        var metric = new Option<string?>("--metric")
        {
            Description = "Metric (default: the sweep kind's first metric).",
        };
        var side = new Option<string>("--side")
        {
            Description = "Config key whose values are compared (one line each).",
            DefaultValueFactory = _ => "init",
        };
        var lrKey = new Option<string>("--lr-key")
        {
            Description = "The LR config key.",
            DefaultValueFactory = _ => "lr",
        };
        var cmd = new Command("report",
            "Write DIR/report.html (self-contained): metric vs LR per side and group with seed spread, best-LR " +
            "table, training curves and feature norms of the best runs, diverged/failed runs.\n" +
            "Example: loralab report runs/smoke");
        cmd.Arguments.Add(dir);
        cmd.Options.Add(metric);
        cmd.Options.Add(side);
        cmd.Options.Add(lrKey);
        cmd.SetAction(parse =>
        {
            var path = SweepReport.Write(new ResultStore(parse.GetValue(dir)!), parse.GetValue(metric),
                                         parse.GetValue(side)!, parse.GetValue(lrKey)!);
            Console.Out.WriteLine(path);
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
