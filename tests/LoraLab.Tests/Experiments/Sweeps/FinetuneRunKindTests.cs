using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Tests.Experiments.Sweeps;

/// <summary>The "finetune" sweep kind on stories260K (260K parameters: a few steps take well under a second).</summary>
[Collection(TorchCollection.Name)]
public sealed class FinetuneRunKindTests
{
    static JsonObject TinyConfig(string init = "a") => ConfigLoader.ParseObject($$"""
        {
          "model": { "kind": "llama2c", "path": "{{Esc(RepoPaths.Data("stories260K/stories260K.bin"))}}",
                     "tokenizer_path": "{{Esc(RepoPaths.Data("stories260K/tok512.bin"))}}" },
          "task": "tinyshakespeare",
          "data": { "train_path": "{{Esc(RepoPaths.Data("tinyshakespeare/input.txt"))}}",
                    "eval_path": "{{Esc(RepoPaths.Data("tinyshakespeare/input.txt"))}}",
                    "train_fraction": 0.9, "max_train_examples": 16, "max_eval_examples": 4 },
          "max_seq_len": 32, "batch_size": 4, "steps": 3, "eval_every": 2, "eval_batch_size": 4,
          "lora": { "rank": 2, "alpha": 4, "target_modules": ["q_proj", "v_proj"], "init": "{{init}}" },
          "optim": { "lr": 1e-3 }, "threads": 3, "save_adapter": false
        }
        """, "tiny");

    static string Esc(string path) => path.Replace("\\", "\\\\");

    /// <summary>Issue 14 searches real models: the search block drives the finetune kind like the toy.</summary>
    [Fact]
    public void Search_OptimumOfOptimLr_RunsFinetuneProbesAndFitsTheirLoss()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"loralab-ft-search-{Guid.NewGuid():N}");
        try
        {
            var spec = new SweepSpec("ft-search", "finetune", TinyConfig(),
                                     [new GridAxis("seed", [JsonNode.Parse("0")])],
                new SearchSpec { Key = "optim.lr", Strategies = [SearchStrategy.Optimum], Start = 1e-2, Resolution = 2,
                                 BracketFactor = 4, Min = 1e-4, Max = 4, Metric = "loss" });
            var plan = SweepPlanner.Plan(spec, RunKinds.Default);
            var summary = SweepRunner.Run(plan, new ResultStore(dir), RunKinds.Default, new SweepRunOptions(),
                                          TextWriter.Null);

            Assert.Equal(0, summary.Failed);
            var cell = SearchResults.Load(dir).Cells.Single();
            Assert.Null(cell.Failure);
            Assert.True(cell.Optimum!.FitPoints >= 3, $"{cell.Optimum.FitPoints} fit points");
            Assert.InRange(cell.Optimum.Optimum, 1e-4, 4);
            Assert.True(cell.Probes >= 5, $"{cell.Probes} probes");
            var probe = SweepPlan.Load(dir).Runs[0];
            Assert.True(File.Exists(Path.Combine(dir, "runs", probe.Id, FinetuneRunKind.OutputFolder,
                                                 "metrics.jsonl")));
            Assert.StartsWith("s0_lr-", probe.Id);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Resolve_TinyConfig_FillsDefaultsAndDropsDerivedKeys()
    {
        var resolved = new FinetuneRunKind().Resolve(TinyConfig(), "tiny");

        Assert.Equal("a", resolved["lora"]!["init"]!.GetValue<string>());
        Assert.Equal(["q_proj", "v_proj"], resolved["lora"]!["target_modules"]!.AsArray().Select(
            n => n!.GetValue<string>()));
        Assert.Equal(0.9, resolved["optim"]!["beta1"]!.GetValue<double>());
        Assert.Null(resolved["optim"]!["effective_lr_a"]);
    }

    [Fact]
    public void Resolve_UnknownKey_ThrowsNamingTheSource()
    {
        var config = TinyConfig();
        config["stepz"] = 3;

        var ex = Assert.Throws<LoraLabException>(() => new FinetuneRunKind().Resolve(config, "spec [lr=0.1]"));

        Assert.Contains("spec [lr=0.1]", ex.Message);
        Assert.Contains("stepz", ex.Message);
    }

    [Fact]
    public void Resolve_MissingDataFile_ThrowsAtPlanTime()
    {
        var config = TinyConfig();
        config["data"]!["train_path"] = "no/such/file.txt";

        var ex = Assert.Throws<LoraLabException>(() => new FinetuneRunKind().Resolve(config, "spec"));

        Assert.Contains("data.train_path not found: no/such/file.txt", ex.Message);
    }

    [Fact]
    public void Plan_ThreadsDiffer_SameRunIds()
    {
        SweepSpec Spec(int threads)
        {
            var root = new JsonObject { ["name"] = "t", ["kind"] = "finetune", ["base"] = TinyConfig(),
                                       ["grid"] = new JsonObject { ["lora.init"] = new JsonArray("a", "b") } };
            root["base"]!["threads"] = threads;
            return SweepSpec.Parse(root, "spec");
        }

        var one = SweepPlanner.Plan(Spec(1), RunKinds.Default);
        var two = SweepPlanner.Plan(Spec(2), RunKinds.Default);

        Assert.Equal(one.Runs.Select(r => r.Id), two.Runs.Select(r => r.Id));
        Assert.Equal(["a", "b"], one.Runs.Select(r => r.Value("lora.init")));
        Assert.Null(one.Runs[0].Config["threads"]);
    }

    [Fact]
    public void Execute_TinyRun_ReportsMetricsCurvesAndWritesItsOwnFolder()
    {
        using var dir = new TempDirectory();
        var kind = new FinetuneRunKind();
        var resolved = kind.Resolve(TinyConfig(), "tiny");

        var outcome = kind.Execute(resolved, new RunContext("run0", dir.Path, 1, CancellationToken.None));

        Assert.Equal(RunStatus.Ok, outcome.Status);
        Assert.True(outcome.Metrics["perplexity"] > 1);
        Assert.True(outcome.Metrics["initial_perplexity"] > 1);
        Assert.Equal(3, outcome.Metrics["steps_completed"]);
        Assert.False(outcome.Metrics.ContainsKey("tokens"));
        Assert.Equal(3, outcome.Curves["loss"].Length);
        Assert.Equal(3, outcome.Curves["rms_zb"].Length);
        Assert.Equal([0.0, 2, 3], outcome.Curves["eval_step"]);
        Assert.Equal(3, outcome.Curves["eval_perplexity"].Length);
        Assert.True(File.Exists(Path.Combine(dir.Path, FinetuneRunKind.OutputFolder, "result.json")));
        Assert.True(File.Exists(Path.Combine(dir.Path, FinetuneRunKind.OutputFolder, "log.txt")));
    }
}
