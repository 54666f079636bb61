using LoraLab.IO;
using LoraLab.Tests.Models.Llama;
using LoraLab.Training.Recipes;
using static TorchSharp.torch;

namespace LoraLab.Tests.Training;

/// <summary>data.heldout_fraction: which training examples are withheld, and that the task scores them.</summary>
[Collection(TorchCollection.Name)]
public sealed class HeldOutSliceTests
{
    static readonly List<int> Hundred = Enumerable.Range(0, 100).ToList();

    [Fact]
    public void Split_Corpus_HoldsOutTheLastBlocks()
    {
        var (train, held) = HeldOutSlice.Split(Hundred, new DataSpec { HeldoutFraction = 0.1 }, contiguous: true);

        Assert.Equal(Enumerable.Range(0, 90), train);
        Assert.Equal(Enumerable.Range(90, 10), held);
    }

    [Fact]
    public void Split_Records_DisjointCompleteAndFixedBySplitSeedOnly()
    {
        var data = new DataSpec { HeldoutFraction = 0.2, SplitSeed = 5 };

        var (train, held) = HeldOutSlice.Split(Hundred, data, contiguous: false);
        var again = HeldOutSlice.Split(Hundred, data, contiguous: false);
        var otherSeed = HeldOutSlice.Split(Hundred, data with { SplitSeed = 6 }, contiguous: false);

        Assert.Equal(20, held.Count);
        Assert.Empty(train.Intersect(held));
        Assert.Equal(Hundred, train.Concat(held).Order());
        Assert.Equal(held, again.HeldOut);
        Assert.NotEqual(held, otherSeed.HeldOut);
        Assert.NotEqual(Enumerable.Range(80, 20), held);                                  // not simply the tail
    }

    [Fact]
    public void Split_FractionZero_KeepsEverything()
    {
        var (train, held) = HeldOutSlice.Split(Hundred, new DataSpec(), contiguous: true);

        Assert.Same(Hundred, train);
        Assert.Empty(held);
    }

    [Theory]
    [InlineData(0.001, "no held-out example")]
    [InlineData(0.999, "no training example")]
    public void Split_TooSmallOrTooLarge_UsageErrorNamingTheKey(double fraction, string message)
    {
        var e = Assert.Throws<LoraLabException>(() =>
            HeldOutSlice.Split(Hundred, new DataSpec { HeldoutFraction = fraction }, contiguous: false));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("data.heldout_fraction", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("data.heldout_fraction=1")]
    [InlineData("data.heldout_fraction=-0.1")]
    public void Config_FractionOutsideZeroToOne_IsAConfigError(string set)
    {
        var e = Assert.Throws<LoraLabException>(() =>
            LoraLab.IO.Config.ConfigLoader.Load<FinetuneConfig>(null, [set]));

        Assert.Contains("data.heldout_fraction must be in [0, 1)", e.Message);
    }

    [Fact]
    public void Create_Tinyshakespeare_TrainsWithoutTheSliceAndScoresItAsHeldout()
    {
        var config = new FinetuneConfig
        {
            Model = new ModelSpec { Kind = ModelKind.Llama2c, Path = Stories260K.CheckpointPath,
                                    TokenizerPath = Stories260K.TokenizerPath },
            Task = FinetuneTask.Tinyshakespeare,
            Data = new DataSpec
            {
                TrainPath = RepoPaths.Data("tinyshakespeare/input.txt"),
                EvalPath = RepoPaths.Data("tinyshakespeare/input.txt"),
                TrainFraction = 0.9, MaxTrainExamples = 20, MaxEvalExamples = 2,
            },
            MaxSeqLen = 32,
        };
        using var whole = FinetuneTaskFactory.Create(config, TextWriter.Null);
        using var held = FinetuneTaskFactory.Create(config with { Data = config.Data with { HeldoutFraction = 0.25 } },
                                                    TextWriter.Null);

        Assert.Equal(20, whole.TrainExamples);
        Assert.Equal(15, held.TrainExamples);
        Assert.Contains(held.DataReports, r => r.Role == "heldout" && r.Examples == 5);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Assert.Equal(whole.Loss([0, 14]).item<float>(), held.Loss([0, 14]).item<float>());  // same first 15 blocks
        var metrics = held.Evaluate(batchSize: 8, maxBatches: 0);
        Assert.Equal(whole.Evaluate(8, 0)["perplexity"], metrics["perplexity"]);          // eval set unchanged
        Assert.Equal(5 * 32, metrics["heldout_tokens"]);
        Assert.True(double.IsFinite(metrics["heldout_perplexity"]) && metrics["heldout_perplexity"] > 1);
        Assert.NotEqual(metrics["perplexity"], metrics["heldout_perplexity"]);
        Assert.DoesNotContain("heldout_perplexity", whole.Evaluate(8, 0).Keys);
    }
}
