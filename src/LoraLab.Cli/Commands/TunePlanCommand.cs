using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LoraLab.IO;
using LoraLab.Experiments.Sweeps;
using LoraLab.Experiments.Tune;

namespace LoraLab.Cli.Commands;

internal static class TunePlanCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Tune spec (JSON).", Required = true };
        var output = new Option<string>("--out")
        {
            Description = "Tune folder on a filesystem every node sees.",
            Required = true,
        };
        var slurm = new Option<bool>("--slurm")
        {
            Description = "Write the next wave as a Slurm job array (required).",
            Required = true,
        };
        var steps = new Option<long?>("--budget-steps") { Description = "As for tune." };
        var minutes = new Option<double?>("--budget-minutes")
        {
            Description = "As for tune (converted at lr-find's speed).",
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Torch threads (= --cpus-per-task) per trial.",
            DefaultValueFactory = _ => 1,
        };
        var sbatch = new Option<string[]>("--sbatch")
        {
            Description = "Extra directive, repeatable: \"#SBATCH --partition=cpu\".",
        };
        var tool = new Option<string?>("--tool")
        {
            Description = "Absolute path of the loralab executable the jobs run (default: this one).",
        };
        var submit = new Option<bool>("--submit")
        {
            Description = "Run DIR/submit.sh after writing (the chained job does).",
        };
        var cmd = new Command("plan",
            "Tune on Slurm, one wave at a time: replay the results in DIR, write the next wave (lr-find's ramps, a " +
            "rung, or the seeds) as DIR/wave.sbatch, a job array of one trial per task, and DIR/next.sbatch, chained " +
            "with afterany, which runs this command again with --submit; when every wave is done it writes tune's " +
            "outputs.\n" +
            "Example: loralab tune plan --config configs/tune/minilm-sst2.json --out /shared/tune-sst2 --slurm " +
            "--sbatch \"#SBATCH --time=30\" && /shared/tune-sst2/submit.sh");
        foreach (var o in new Option[] { config, output, slurm, steps, minutes, threads, sbatch, tool, submit })
            cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var spec = TuneSpec.Load(parse.GetValue(config)!);
            var budget = new TuneBudgetOption(parse.GetValue(steps), parse.GetValue(minutes));
            var dir = Path.GetFullPath(parse.GetValue(output)!);
            var log = parse.InvocationConfiguration.Error;
            var stdout = parse.InvocationConfiguration.Output;
            TuneDriver.Check(spec, RunKinds.Default, budget);
            Directory.CreateDirectory(dir);
            var specPath = Path.Combine(dir, "spec.json");
            var specJson = spec.ToNode().ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            AtomicFile.WriteAllText(specPath, specJson + "\n");
            var command = parse.GetValue(tool) is { } t
                ? new ChildCommand(Path.GetFullPath(t), [])
                : ChildCommand.Current();
            var options = new SweepRunOptions { Jobs = 1, Threads = parse.GetValue(threads) };
            try
            {
                stdout.Write(TuneDriver.PlanNextWave(spec, dir, RunKinds.Default, budget, options, log));
                return ExitCodes.Ok;
            }
            catch (TuneWavePending wave)
            {
                var next = new List<string> { "tune", "plan", "--config", specPath, "--out", dir, "--slurm", "--submit",
                                              "--threads", $"{parse.GetValue(threads)}" };
                if (budget.Steps is { } s) next.AddRange(["--budget-steps", $"{s}"]);
                if (budget.Minutes is { } m)
                    next.AddRange(["--budget-minutes", m.ToString("R", CultureInfo.InvariantCulture)]);
                foreach (var line in parse.GetValue(sbatch) ?? []) next.AddRange(["--sbatch", line]);
                TuneSlurm.Write(dir, spec.Name, wave, command, parse.GetValue(threads), next,
                    parse.GetValue(sbatch) ?? []);
                stdout.WriteLine($"next wave: {wave.Message}; " +
                                 $"array of {wave.Ids.Count} in {Path.Combine(dir, "wave.sbatch")}");
                if (!parse.GetValue(submit))
                {
                    stdout.WriteLine($"submit: {Path.Combine(dir, "submit.sh")}");
                    return ExitCodes.Ok;
                }
                var start = new ProcessStartInfo(Path.Combine(dir, "submit.sh")) { UseShellExecute = false };
                using var process = Process.Start(start)
                                    ?? throw new LoraLabException("could not start submit.sh", ExitCodes.RunFailed);
                process.WaitForExit();
                return process.ExitCode == 0 ? ExitCodes.Ok : ExitCodes.RunFailed;
            }
        });
        return cmd;
    }
}
