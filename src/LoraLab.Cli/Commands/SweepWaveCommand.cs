using System.CommandLine;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Cli.Commands;

internal static class SweepWaveCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Search sweep spec (JSON with a search block)." };
        var output = new Option<string>("--out") { Description = "Sweep folder.", Required = true };
        var tasks = new Option<int>("--tasks")
        {
            Description = "At most this many array tasks per wave.", DefaultValueFactory = _ => 1,
        };
        var cmd = new Command("wave",
            "Plan the next wave of a search sweep from the results on disk: append its probes to plan.json, write " +
            "wave.json, print its task count (0: the search is finished and search.json written). The Slurm driver " +
            "(sweep plan --slurm) calls it between waves; task k of N then runs " +
            "'sweep run SPEC --out DIR --shard k/N'.\n" +
            "Example: loralab sweep wave /shared/edges/spec.json --out /shared/edges --tasks 20");
        cmd.Arguments.Add(spec);
        cmd.Options.Add(output);
        cmd.Options.Add(tasks);
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(spec)!;
            var plan = SweepPlanner.Plan(SweepSpec.Load(path), RunKinds.Default, path);
            var store = new ResultStore(parse.GetValue(output)!);
            var wave = SearchWaves.Plan(plan, store, RunKinds.Default, parse.GetValue(tasks), Console.Error);
            Console.Out.WriteLine(wave.Tasks);
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
