using System.Text.Json;
using LoraLab.IO;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Experiments.Eval;

/// <summary><c>loralab eval</c> end to end on stories260K: two short finetunes, then the paired comparison.</summary>
[Collection(TorchCollection.Name)]
public sealed class EvalCommandTests
{
    static readonly string Text = RepoPaths.Data("tinyshakespeare/input.txt");

    static string Finetune(string init, int steps)
    {
        var dir = CliTester.TempDir();
        var result = CliTester.Run("finetune", "--config",
                                   Path.Combine(RepoPaths.Root, "configs", "stories260k-tinyshakespeare.json"),
            "--set", $"model.path={RepoPaths.Data("stories260K/stories260K.bin")}",
            "--set", $"model.tokenizer_path={RepoPaths.Data("stories260K/tok512.bin")}",
            "--set", $"data.train_path={Text}", "--set", $"data.eval_path={Text}", "--set", $"lora.init={init}",
            "--set", $"steps={steps}", "--set", "eval_every=0", "--set", "eval_at_start=false", "--set",
            "max_seq_len=32",
            "--set", "data.max_train_examples=32", "--set", "data.max_eval_examples=24", "--set", "optim.lr=1e-2",
            "--out", dir);
        Assert.True(result.ExitCode == 0, result.Error);
        return dir;
    }

    [Fact]
    public void Eval_TwoStoriesAdapters_WritesVerdictAndPerExampleScoresThatAddUp()
    {
        var (a, b, outDir) = (Finetune("a", 6), Finetune("b", 2), CliTester.TempDir());

        var result = CliTester.Run("eval", "--adapter", Path.Combine(a, "adapter"), "--baseline-adapter",
                                   Path.Combine(b, "adapter"),
                                   "--out", outDir);

        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "eval.json"))).RootElement;
        Assert.Equal(24, json.GetProperty("examples").GetInt32());
        Assert.Equal("perplexity", json.GetProperty("primary_metric").GetString());
        Assert.Contains(json.GetProperty("verdict").GetString(), new[] { "switch", "keep", "inconclusive" });
        Assert.StartsWith(json.GetProperty("verdict").GetString() + ": perplexity", result.Output);
        // The per-example NLLs add up to the perplexity finetune itself reported for the same adapter and eval set.
        var trained = JsonDocument.Parse(File.ReadAllText(Path.Combine(a, "result.json"))).RootElement;
        Assert.Equal(trained.GetProperty("final_metrics").GetProperty("perplexity").GetDouble(),
                     json.GetProperty("candidate").GetProperty("metrics").GetProperty("perplexity").GetDouble(), 6);
        var d = json.GetProperty("difference");
        Assert.True(d.GetProperty("low").GetDouble() <= d.GetProperty("estimate").GetDouble());
        Assert.True(d.GetProperty("minimal_detectable_effect").GetDouble() > 0);
        Assert.Equal(25, File.ReadAllLines(Path.Combine(outDir, "examples.csv")).Length);
        Assert.Contains("Verdict: ", File.ReadAllText(Path.Combine(outDir, "eval.html")));

        var vsBase = CliTester.Run("eval", "--adapter", Path.Combine(a, "adapter"), "--baseline", "base", "--out",
                                   CliTester.TempDir());
        Assert.True(vsBase.ExitCode == 0, vsBase.Error);
    }

    [Theory]
    [InlineData("--baseline", "previous")]
    [InlineData("--baseline", "base", "--baseline-adapter", "x")]
    [InlineData]
    public void Eval_BadBaselineOptions_UsageError(params string[] baseline)
    {
        var result = CliTester.Run(["eval", "--adapter", "nowhere/adapter", .. baseline, "--out", CliTester.TempDir()]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Eval_AdapterWithoutResultJsonOrConfig_UsageErrorNamingConfig()
    {
        var result = CliTester.Run("eval", "--adapter", CliTester.TempDir(), "--baseline", "base", "--out",
                                   CliTester.TempDir());
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--config", result.Error);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Eval_MiniLmMrpcAdapterVsBase_ScoresMatchFinetuneAndMcNemarCountsMatchExamples()
    {
        using var dir = new TempDirectory();
        var config = new FinetuneConfig
        {
            Task = FinetuneTask.Mrpc, Steps = 3, BatchSize = 8, EvalEvery = 0, MaxSeqLen = 48, EvalAtStart = false,
            Data = new DataSpec
            {
                TrainPath = RepoPaths.Data("mrpc/train.tsv"), EvalPath = RepoPaths.Data("mrpc/dev.tsv"),
                MaxTrainExamples = 64, MaxEvalExamples = 40,
            },
        };
        var trained = FinetuneRecipe.Run(config, dir.Path, TextWriter.Null);

        var report = LoraLab.Experiments.Eval.AdapterEval.Run(
            new(config, Path.Combine(dir.Path, "adapter"), null, null, Resamples: 500), Path.Combine(dir.Path, "eval"),
            TextWriter.Null);

        Assert.Equal(40, report.Examples);
        Assert.Equal(trained.FinalMetrics["accuracy"], report.Candidate.Metrics["accuracy"], 12);
        Assert.Equal(trained.FinalMetrics["f1"], report.Candidate.Metrics["f1"], 12);
        Assert.Equal(trained.FinalMetrics["loss"], report.Candidate.Metrics["loss"], 5);
        Assert.Equal("base model", report.Baseline.Name);
        var rows = File.ReadAllLines(Path.Combine(dir.Path, "eval", "examples.csv")).Skip(1).Select(
            l => l.Split(',')).ToList();
        Assert.Equal(report.McNemar!.CandidateOnlyCorrect, rows.Count(r => r[2] == r[1] && r[4] != r[1]));
        Assert.Equal(report.McNemar.BaselineOnlyCorrect, rows.Count(r => r[4] == r[1] && r[2] != r[1]));
    }
}
