using System.CommandLine;

namespace LoraLab.Cli.Commands;

/// <summary>The <c>sweep</c> group: plan, run, run-one (internal), status, merge.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var sweep = new Command("sweep", "Declarative LR x init x seed sweeps that survive kills: plan, run, status, " +
                                         "merge (local or Slurm).");
        sweep.Subcommands.Add(SweepRunCommand.Create());
        sweep.Subcommands.Add(SweepRunOneCommand.Create());
        sweep.Subcommands.Add(SweepStatusCommand.Create());
        sweep.Subcommands.Add(SweepMergeCommand.Create());
        sweep.Subcommands.Add(SweepPlanCommand.Create());
        sweep.Subcommands.Add(SweepWaveCommand.Create());
        return sweep;
    }
}
