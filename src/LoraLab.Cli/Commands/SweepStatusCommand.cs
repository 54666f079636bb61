using System.CommandLine;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Cli.Commands;

internal static class SweepStatusCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Sweep folder." };
        var cmd = new Command("status",
            "Counts ok / diverged / failed / missing / corrupt runs, lists what is left, and for a Slurm plan prints " +
            "the sbatch line resubmitting only those shards. Exit 0 complete, 1 failed runs, 2 incomplete.\n" +
            "Example: loralab sweep status runs/smoke");
        cmd.Arguments.Add(dir);
        cmd.SetAction(parse =>
        {
            var status = SweepStatus.Of(new ResultStore(parse.GetValue(dir)!));
            Console.Out.Write(status.Format());
            return status.ExitCode;
        });
        return cmd;
    }
}
