using System.CommandLine;
using System.Runtime.InteropServices;
using LoraLab.IO;
using LoraLab.Experiments.Sweeps;
using LoraLab.Experiments.Tune;

namespace LoraLab.Cli.Commands;

internal static class TuneCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = "Tune spec (JSON: name, base finetune config, axes, tune).",
            Required = true,
        };
        var output = new Option<string>("--out")
        {
            Description = "Output folder; rerun the same command to resume after a kill.",
            Required = true,
        };
        var steps = new Option<long?>("--budget-steps")
        {
            Description = "Training steps tune may spend, lr-find and seeds included.",
        };
        var minutes = new Option<double?>("--budget-minutes")
        {
            Description = "Minutes, converted to steps at lr-find's speed (once).",
        };
        var jobs = new Option<int>("--jobs")
        {
            Description = "Trials at a time (child processes when > 1).",
            DefaultValueFactory = _ => 1,
        };
        var threads = new Option<int?>("--threads")
        {
            Description = "Torch threads per trial (default: cores / jobs).",
        };
        var cmd = new Command("tune",
            "Choose the init and learning rate (and any spec axes) for a finetune config: lr-find per init, " +
            "successive halving (eta 3) over init x LR candidates in rungs of growing steps ranked on held-out " +
            "training data, the best rerun with 3 seeds at the full budget, then compared with the baseline (Init[A] " +
            "at the config's LR). Writes DIR/recommended.json (runs with loralab finetune --config), adapter/, " +
            "trials.csv, tune.json, report.html.\n" +
            "Example: loralab tune --config configs/tune/minilm-sst2.json --budget-minutes 60 --out runs/tune-sst2");
        foreach (var o in new Option[] { config, output, steps, minutes, jobs, threads }) cmd.Options.Add(o);
        cmd.Subcommands.Add(TunePlanCommand.Create());
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(config)!;
            var spec = TuneSpec.Load(path);
            var budget = new TuneBudgetOption(parse.GetValue(steps), parse.GetValue(minutes));
            var log = parse.InvocationConfiguration.Error;
            TuneDriver.Check(spec, RunKinds.Default, budget);
            if (spec.Kind == "finetune") FinetunePreflight.Check(spec.Base, path, log);
            var options = new SweepRunOptions
            {
                Jobs = parse.GetValue(jobs),
                Threads = parse.GetValue(threads),
                Child = ChildCommand.Current(),
            };
            // SIGTERM/SIGINT: the running trial checkpoints and stops (the recipe's own handler), then tune stops too;
            // rerunning the command resumes.
            using var stop = new CancellationTokenSource();
            void Stop(PosixSignalContext c)
            {
                c.Cancel = true;
                stop.Cancel();
            }
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            parse.InvocationConfiguration.Output.Write(TuneDriver.RunAndSummarize(spec, parse.GetValue(output)!,
                RunKinds.Default, budget, options, log, stop.Token));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
