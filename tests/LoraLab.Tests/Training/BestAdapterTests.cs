using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Optim;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training;

/// <summary>select_by, DIR/adapter-best/ and early_stopping_patience.</summary>
[Collection(TorchCollection.Name)]
public sealed class BestAdapterTests
{
    static FinetuneConfig Config(int steps) => new()
    {
        Steps = steps, BatchSize = 16, EvalEvery = 2, Threads = 1, CheckpointEvery = 0,
        Lora = new() { Rank = 4, Alpha = 8 },
        Optim = new OptimizerConfig { Lr = 3e-2 },
        Schedule = new LrSchedule { Decay = LrDecay.Constant },
    };

    [Fact]
    public void EarlyStopping_AccuracyStopsImproving_StopsAndBestAdapterIsThatStepsAdapter()
    {
        using var dir = new TempDirectory();
        FinetuneResult result;
        using (var task = new TinyTask(seed: 0))
            result = FinetuneRecipe.Train(Config(200) with { EarlyStoppingPatience = 2 }, task, dir.Path,
                                          TextWriter.Null);

        Assert.True(result.StoppedEarly);
        Assert.Equal("completed", result.Status);
        Assert.Equal("accuracy", result.SelectBy);
        Assert.True(result.StepsCompleted < 200);
        // two evals (2 steps apart) without a new best
        Assert.Equal(result.BestStep + 2 * 2, result.StepsCompleted);
        // adapter-best/ holds exactly the adapter after best_step: a run of best_step steps gives the same bytes.
        using var reference = new TempDirectory();
        using (var task = new TinyTask(seed: 0))
            FinetuneRecipe.Train(Config(result.BestStep!.Value), task, reference.Path, TextWriter.Null);
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference.Path, "adapter", "adapter_model.safetensors")),
                     File.ReadAllBytes(Path.Combine(dir.Path, "adapter-best", "adapter_model.safetensors")));
    }

    [Fact]
    public void SelectBy_MetricTheEvalDoesNotReport_OneLineUsageError()
    {
        using var dir = new TempDirectory();
        using var task = new TinyTask(seed: 0);
        // TinyTask's eval reports accuracy only: select_by loss is a one-line usage error naming what it reports.
        var ex = Assert.Throws<LoraLabException>(() =>
            FinetuneRecipe.Train(Config(4) with { SelectBy = SelectMetric.Loss }, task, dir.Path, TextWriter.Null));
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Equal("select_by loss: the eval reports accuracy", ex.Message);
    }

    [Theory]
    [InlineData("select_by=perplexity", "select_by perplexity: task sst2 is classification")]
    [InlineData("select_by=f1", "select_by f1: task sst2 reports accuracy and loss")]
    [InlineData("early_stopping_patience=2", "early_stopping_patience needs eval_every > 0")]
    [InlineData("monitors.action=rollback", "monitors.action rollback needs checkpoint_every > 0")]
    public void Config_Inconsistent_OneLineError(string set, string expected)
    {
        var extra = set.StartsWith("early", StringComparison.Ordinal) ? "eval_every=0" : "checkpoint_every=0";
        var ex = Assert.Throws<LoraLabException>(() => ConfigLoader.Load<FinetuneConfig>(null, [set, extra]));
        Assert.Contains(expected, ex.Message);
    }
}
