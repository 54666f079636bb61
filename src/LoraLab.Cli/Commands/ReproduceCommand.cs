using System.CommandLine;
using LoraLab.Experiments.Reproduce;
using LoraLab.IO;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab reproduce</c>: the toy's LR scaling in width and rank, measured by search sweeps.</summary>
internal static class ReproduceCommand
{
    public static Command Create()
    {
        var outDir = new Option<string?>("--out")
        {
            Description = "Output folder (default: a fresh runs/reproduce-<UTC time>); " +
                          "rerun with the same folder to resume.",
        };
        var quick = new Option<bool>("--quick")
        {
            Description = "Reduced protocol (4 small widths, 4 ranks, 5 seeds, 100 steps; well under a minute).",
        };
        var seed = new Option<long?>("--seed") { Description = "First seed (seeds are seed, seed+1, ...); default 0." };
        var set = new Option<string[]>("--set")
        {
            Description = "Override a key of the toy config of every search (key=value, e.g. steps=200); repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var widthSpec = new Option<string?>("--width-spec")
        {
            Description = "Width sweep spec (default: the built-in configs/reproduce/width.json).",
        };
        var rankSpec = new Option<string?>("--rank-spec")
        {
            Description = "Rank sweep spec (default: the built-in configs/reproduce/rank.json).",
        };
        var noRank = new Option<bool>("--no-rank") { Description = "Skip the rank axis." };
        var noPhase = new Option<bool>("--no-phase-check")
        {
            Description = "Skip the grid-phase check (the layer searches on a shifted lattice).",
        };
        var sensitivity = new Option<bool>("--sensitivity")
        {
            Description = "Also rerun the width searches (widths up to 1024) for steps 100/200, teacher shift 0.25/1 " +
                          "and divergence threshold 100.",
        };
        var jobs = new Option<int>("--jobs")
        {
            Description = "Probes at a time, one torch thread each (default: the cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var command = new Command("reproduce",
            "Measure how the stability edge and the best learning rate of LoRA scale with width (Init[A] vs Init[B], " +
            "three readouts) and with rank, by per-seed bisection and local fits (table on stdout; summary.json, " +
            "report.html in --out).\n" +
            "Example: loralab reproduce --quick --out runs/quick\n" +
            "Example: loralab reproduce --out runs/repro --sensitivity");
        Option[] all = [outDir, quick, seed, set, widthSpec, rankSpec, noRank, noPhase, sensitivity, jobs];
        foreach (var o in all) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            var options = new ReproduceOptions
            {
                OutDir = parse.GetValue(outDir) ?? Path.Combine("runs", $"reproduce-{DateTime.UtcNow:yyyyMMdd-HHmmss}"),
                Quick = parse.GetValue(quick),
                Seed = parse.GetValue(seed),
                Sets = parse.GetValue(set) ?? [],
                WidthSpec = parse.GetValue(widthSpec),
                RankSpec = parse.GetValue(rankSpec),
                Rank = !parse.GetValue(noRank),
                PhaseCheck = !parse.GetValue(noPhase),
                Sensitivity = parse.GetValue(sensitivity),
                Jobs = parse.GetValue(jobs),
            };
            if (options.Jobs < 1)
                throw new LoraLabException($"--jobs must be >= 1, got {options.Jobs}", ExitCodes.Usage);
            ReproduceRun.Run(options, io.Output, io.Error, CancellationToken.None);
            return 0;
        });
        return command;
    }
}
