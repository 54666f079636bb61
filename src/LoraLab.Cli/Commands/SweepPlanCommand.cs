using System.CommandLine;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Cli.Commands;

internal static class SweepPlanCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "Sweep spec (JSON)." };
        var output = new Option<string>("--out") { Description = "Sweep folder to create.", Required = true };
        var slurm = new Option<bool>("--slurm")
        {
            Description = "Also write sweep.sbatch (job array), merge.sbatch and submit.sh.",
        };
        var shards = new Option<int?>("--shards") { Description = "Array tasks (default: one per run, at most 1000)." };
        var threads = new Option<int>("--threads")
        {
            Description = "Torch threads (= --cpus-per-task) per task.",
            DefaultValueFactory = _ => 1,
        };
        var sbatch = new Option<string[]>("--sbatch")
        {
            Description = "Extra directive, repeatable: \"#SBATCH --partition=gpu\".",
        };
        var pack = new Option<int>("--pack")
        {
            Description = "With --slurm: each array task packs up to K runs of its shard per pass (toy runs).",
            DefaultValueFactory = _ => 1,
        };
        var tool = new Option<string?>("--tool")
        {
            Description = "Absolute path of the loralab executable the jobs run (default: this one).",
        };
        var cmd = new Command("plan",
            "Expand the grid into DIR/plan.json (ids, resolved configs); with --slurm write a job-array script whose " +
            "task k runs shard k/N, and a merge job chained with afterany.\n" +
            "Example: loralab sweep plan configs/sweeps/smoke.json --out /shared/smoke " +
            "--slurm --sbatch \"#SBATCH --time=10\"\n" +
            "Example: loralab sweep plan configs/sweeps/toy-init.json --out /shared/toy-init " +
            "--slurm --shards 10 --pack 14");
        cmd.Arguments.Add(spec);
        foreach (var o in new Option[] { output, slurm, shards, threads, sbatch, pack, tool }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var sweepSpec = SweepSpec.Load(parse.GetValue(spec)!);
            var plan = SweepPlanner.Plan(sweepSpec, RunKinds.Default, parse.GetValue(spec)!);
            var store = new ResultStore(parse.GetValue(output)!);
            SweepRunner.CheckPack(RunKinds.Default.Get(plan.Kind), parse.GetValue(pack));
            if (!parse.GetValue(slurm))
            {
                store.EnsurePlan(plan);
                Console.Out.WriteLine($"{store.PlanPath}: {plan.Runs.Count} runs");
                return ExitCodes.Ok;
            }
            var command = parse.GetValue(tool) is { } t
                ? new ChildCommand(Path.GetFullPath(t), [])
                : ChildCommand.Current();
            var settings = SlurmPlanner.Write(sweepSpec, plan, store, parse.GetValue(shards), parse.GetValue(threads),
                parse.GetValue(pack), command, parse.GetValue(sbatch) ?? []);
            Console.Out.WriteLine($"{store.PlanPath}: {plan.Runs.Count} runs in {settings.Shards} array tasks");
            Console.Out.WriteLine($"submit: {Path.Combine(store.Directory, "submit.sh")}   (or: " +
                                  $"sbatch {settings.ScriptPath})");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
