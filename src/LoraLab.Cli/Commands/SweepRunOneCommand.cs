using System.CommandLine;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Cli.Commands;

public static class SweepRunOneCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Sweep folder holding plan.json." };
        var id = new Argument<string>("id") { Description = "Run id from plan.json." };
        var threads = new Option<int>("--threads") { Description = "Torch threads.", DefaultValueFactory = _ => 1 };
        var parent = new Option<int?>("--parent-pid") { Description = "Exit when this parent process is gone." };
        var cmd = new Command("run-one",
            "Internal: run one planned run and write its result.json (the child process of 'sweep run --jobs N').\n" +
            "Example: loralab sweep run-one runs/smoke init-a_lr-1e-3_s0_1a2b3c4d --threads 1")
        {
            Hidden = true,
        };
        cmd.Arguments.Add(dir);
        cmd.Arguments.Add(id);
        cmd.Options.Add(threads);
        cmd.Options.Add(parent);
        cmd.SetAction(parse =>
        {
            if (parse.GetValue(parent) is { } pid) ParentWatch.Start(pid);
            var result = SweepRunner.RunOne(parse.GetValue(dir)!, parse.GetValue(id)!, RunKinds.Default, parse.GetValue(threads));
            return result.Status == RunStatus.Failed ? 1 : 0;
        });
        return cmd;
    }
}
