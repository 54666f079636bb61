using System.CommandLine;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Cli.Commands;

internal static class SweepRunOneCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Sweep folder holding plan.json." };
        var ids = new Argument<string[]>("id")
        {
            Description = "Run id(s) from plan.json; several are trained in one pass (--pack).",
            Arity = ArgumentArity.OneOrMore,
        };
        var threads = new Option<int>("--threads") { Description = "Torch threads.", DefaultValueFactory = _ => 1 };
        var parent = new Option<int?>("--parent-pid") { Description = "Exit when this parent process is gone." };
        var cmd = new Command("run-one",
            "Internal: run one planned run, or one pack of runs, and write their result.json files (the child " +
            "process of 'sweep run --jobs N [--pack K]').\n" +
            "Example: loralab sweep run-one runs/smoke init-a_lr-1e-3_s0_1a2b3c4d --threads 1")
        {
            Hidden = true,
        };
        cmd.Arguments.Add(dir);
        cmd.Arguments.Add(ids);
        cmd.Options.Add(threads);
        cmd.Options.Add(parent);
        cmd.SetAction(parse =>
        {
            if (parse.GetValue(parent) is { } pid) ParentWatch.Start(pid);
            var results = SweepRunner.RunOne(parse.GetValue(dir)!, parse.GetValue(ids)!, RunKinds.Default,
                                             parse.GetValue(threads));
            return results.Any(r => r.Status == RunStatus.Failed) ? 1 : 0;
        });
        return cmd;
    }
}
