using System.CommandLine;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Cli.Commands;

internal static class SweepMergeCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Sweep folder." };
        var cmd = new Command("merge",
            "Write DIR/summary.csv (plan order, invariant numbers, no times: identical bytes for identical results). " +
            "Exit 2 when runs are missing or corrupt, 1 when runs failed.\nExample: loralab sweep merge runs/smoke");
        cmd.Arguments.Add(dir);
        cmd.SetAction(parse =>
        {
            var store = new ResultStore(parse.GetValue(dir)!);
            var reads = SummaryCsv.Merge(store, out var plan);
            var todo = reads.Where(r => !r.Finished).ToList();
            foreach (var read in todo)
                Console.Error.WriteLine(read.Corruption
                    ?? (read.Result is { } r ? $"failed: {r.Id}: {r.Error}" : $"missing: {read.Run.Id}"));
            Console.Out.WriteLine($"{store.SummaryPath}: {plan.Runs.Count} runs, {todo.Count} not finished");
            return todo.Any(r => r.Missing || r.Corruption is not null) ? ExitCodes.Incomplete
                : todo.Count > 0 ? ExitCodes.RunFailed : ExitCodes.Ok;
        });
        return cmd;
    }
}
