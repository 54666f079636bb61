using System.CommandLine;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Cli.Commands;

internal static class SweepRunCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Sweep spec (JSON: name, kind, base, grid)." };
        var output = new Option<string>("--out")
        {
            Description = "Sweep folder (plan.json, runs/<id>/result.json).",
            Required = true,
        };
        var jobs = new Option<int>("--jobs")
        {
            Description = "Runs at a time; > 1 runs each in a child process.",
            DefaultValueFactory = _ => 1,
        };
        var threads = new Option<int?>("--threads") { Description = "Torch threads per run (default: cores / jobs)." };
        var shard = new Option<string?>("--shard") { Description = "Run only shard k/N (plan index mod N = k)." };
        var pack = new Option<int>("--pack")
        {
            Description = "Train up to K runs that differ only in seed, init and learning rates in one pass " +
                          "(toy runs: one batch, the runs of a seed on its problem; results bit-identical to " +
                          "separate runs).",
            DefaultValueFactory = _ => 1,
        };
        var cmd = new Command("run",
            "Run every run of the sweep that has no finished result (ok or diverged); failed and corrupt runs are " +
            "redone. Exit 1 if any run failed.\n" +
            "Example: loralab sweep run configs/sweeps/smoke.json --out runs/smoke --jobs 2\n" +
            "Example: loralab sweep run configs/sweeps/toy-init.json --out runs/toy-init --jobs 2 --pack 14");
        cmd.Arguments.Add(spec);
        cmd.Options.Add(output);
        cmd.Options.Add(jobs);
        cmd.Options.Add(threads);
        cmd.Options.Add(shard);
        cmd.Options.Add(pack);
        cmd.SetAction(parse =>
        {
            var sweepSpec = SweepSpec.Load(parse.GetValue(spec)!);
            var kinds = RunKinds.Default;
            var plan = SweepPlanner.Plan(sweepSpec, kinds, parse.GetValue(spec)!);
            var options = new SweepRunOptions
            {
                Jobs = parse.GetValue(jobs),
                Threads = parse.GetValue(threads),
                Shard = ShardSpec.Parse(parse.GetValue(shard)),
                Pack = parse.GetValue(pack),
                Child = ChildCommand.Current(),
            };
            var summary = SweepRunner.Run(plan, new ResultStore(parse.GetValue(output)!), kinds, options,
                                          Console.Error);
            Console.Error.WriteLine($"[sweep] shard {options.Shard}: {summary.InShard} runs, {summary.Skipped} " +
                                    $"already finished, {summary.Executed} run now, {summary.Diverged} diverged, " +
                                    $"{summary.Failed} failed");
            return summary.ExitCode;
        });
        return cmd;
    }
}
