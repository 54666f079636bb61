using System.Text.Json.Nodes;
using LoraLab.Experiments.Compare;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Tests.Experiments.Sweeps;

/// <summary>One vocabulary for sweep keys: a finetune sweep (axes lora.init, optim.lr) and a toy-like sweep (axes
/// init, lr) both answer to <c>init=a</c>, <c>--lr-key lr</c>, in any letter case.</summary>
public sealed class CompareKeysTests
{
    static string Esc(string path) => path.Replace("\\", "\\\\");

    /// <summary>A finetune sweep spec on stories260K and tinyshakespeare (absolute paths).</summary>
    static string SpecJson() => $$"""
        {
          "name": "ft", "kind": "finetune",
          "base": {
            "model": { "kind": "llama2c", "path": "{{Esc(RepoPaths.Data("stories260K/stories260K.bin"))}}",
                       "tokenizer_path": "{{Esc(RepoPaths.Data("stories260K/tok512.bin"))}}" },
            "task": "tinyshakespeare",
            "data": { "train_path": "{{Esc(RepoPaths.Data("tinyshakespeare/input.txt"))}}",
                      "eval_path": "{{Esc(RepoPaths.Data("tinyshakespeare/input.txt"))}}" },
            "steps": 3
          },
          "grid": { "lora.init": ["a", "b"], "optim.lr": [1e-3, 1e-2, 1e-1], "seed": [0, 1, 2] }
        }
        """;

    /// <summary>The real finetune plan of <see cref="SpecJson"/> (planned, not run) with made-up results:
    /// perplexity = 10 + (log10 lr + 2)² + 0.01·seed for Init[A], 1 + 0.1·seed more for Init[B].</summary>
    static (SweepPlan Plan, IReadOnlyList<ResultRead> Reads) FinetuneSweep()
    {
        var spec = SweepSpec.Parse(ConfigLoader.ParseObject(SpecJson(), "spec"), "spec");
        var plan = SweepPlanner.Plan(spec, RunKinds.Default);
        var reads = plan.Runs.Select(run =>
        {
            var lr = double.Parse(run.Value("optim.lr")!, System.Globalization.CultureInfo.InvariantCulture);
            var x = Math.Log10(lr) + 2;
            var seed = int.Parse(run.Value("seed")!);
            var ppl = 10 + x * x + 0.01 * seed + (run.Value("lora.init") == "b" ? 1 + 0.1 * seed : 0);
            var result = new RunResult
            {
                Id = run.Id, Index = run.Index, Kind = "finetune", Status = RunStatus.Ok,
                Metrics = new(StringComparer.Ordinal) { ["perplexity"] = ppl },
            };
            return new ResultRead(run, result, null);
        }).ToList();
        return (plan, reads);
    }

    [Fact]
    public void FinetuneSweep_ShortKeysAnyCase_SameReportAsFullPaths()
    {
        var (plan, reads) = FinetuneSweep();

        var full = SweepComparison.Run(plan, reads, "lora.init=a", "lora.init=b", "perplexity",
            new SweepComparison.Options(LrKey: "optim.lr"));
        var typed = SweepComparison.Run(plan, reads, "Init=A", "init=B", "perplexity");

        Assert.Equal(ConfigJson.Serialize(full), ConfigJson.Serialize(typed));
        Assert.Equal(("lora.init=a", "lora.init=b"), (typed.Baseline, typed.Candidate));
        var group = Assert.Single(typed.Groups);               // optim.lr and seed are not group axes
        Assert.Equal("(all)", group.Group);
        Assert.Equal((1e-2, 1e-2), (group.Baseline.BestLr, group.Candidate.BestLr));
        Assert.Equal("worse", group.Verdict);                  // Init[B] is 1.0, 1.1, 1.2 worse on seeds 0, 1, 2
        Assert.Equal(1.1, group.PairedDifference!.Estimate, 9);
    }

    [Fact]
    public void ToySweep_UpperCaseKeysAndValues_SameReport()
    {
        using var f = new SweepFixture();
        var plan = f.Plan();
        f.Run(plan);
        var reads = f.Store.ReadAll(plan);

        var lower = SweepComparison.Run(plan, reads, "init=a", "init=b", "final_train_loss");
        var upper = SweepComparison.Run(plan, reads, "INIT=A", "Init=B", "final_train_loss",
            new SweepComparison.Options(LrKey: "LR"));

        Assert.Equal(ConfigJson.Serialize(lower), ConfigJson.Serialize(upper));
        Assert.Equal("init=a", upper.Baseline);
        Assert.Equal("better", Assert.Single(upper.Groups).Verdict);
    }

    [Fact]
    public void FinetuneSweep_NonAxisConfigKey_ByLastSegment()
    {
        var (plan, _) = FinetuneSweep();

        Assert.Equal("lora.rank", SweepKeys.Resolve(plan, "rank", "--baseline"));
        Assert.Equal("optim.lr", SweepKeys.Resolve(plan, "LR", "--lr-key"));
        Assert.Equal("seed", SweepKeys.Resolve(plan, "seed", "--baseline"));
    }

    [Fact]
    public void BadKeys_OneLineUsageErrors_NamingWhatExists()
    {
        var (plan, reads) = FinetuneSweep();

        var none = Assert.Throws<LoraLabException>(() => SweepComparison.Run(plan, reads, "init=c", "init=b", null));
        Assert.Contains("matches no run of 'ft' (lora.init takes a, b)", none.Message);
        var unknown = Assert.Throws<LoraLabException>(() =>
            SweepComparison.Run(plan, reads, "initt=a", "init=b", null));
        Assert.Contains("--baseline: 'initt' is neither an axis nor a config key of sweep 'ft'", unknown.Message);
        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
        Assert.DoesNotContain('\n', none.Message + unknown.Message);
    }

    [Fact]
    public void AmbiguousLastSegment_AsksForTheFullPath()
    {
        JsonObject Config(string a, string b) =>
            new() { ["a"] = new JsonObject { ["lr"] = a }, ["b"] = new JsonObject { ["lr"] = b } };
        var plan = new SweepPlan
        {
            Name = "two-lrs", Axes = ["a.lr", "b.lr"],
            Runs = [new PlannedRun(0, "r0", new JsonObject(), Config("1", "2"))],
        };

        var ex = Assert.Throws<LoraLabException>(() => SweepKeys.Resolve(plan, "lr", "--lr-key"));

        Assert.Contains("'lr' is ambiguous: it names a.lr, b.lr; write the full path", ex.Message);
        Assert.Equal("b.lr", SweepKeys.Resolve(plan, "B.LR", "--lr-key"));
    }

    [Fact]
    public void Cli_FinetunePlan_ShortKeys_Exit0()
    {
        var dir = CliTester.TempDir();
        try
        {
            var spec = Path.Combine(dir, "spec.json");
            File.WriteAllText(spec, SpecJson());
            var planned = CliTester.Run("sweep", "plan", spec, "--out", dir);
            Assert.True(planned.ExitCode == 0, planned.Error);

            var compared = CliTester.Run("compare", dir, "--baseline", "init=A", "--candidate", "init=b",
                "--json", Path.Combine(dir, "c.json"));

            Assert.True(compared.ExitCode == 0, compared.Error);
            Assert.Equal("lora.init=a", JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "c.json")))!["baseline"]!
                .GetValue<string>());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
