using LoraLab.Core;
using LoraLab.Experiments.Toy;
using LoraLab.IO;

namespace LoraLab.Tests.Experiments.Toy;

[Collection(TorchCollection.Name)]
public sealed class ToyRunTests
{
    static ToyRunConfig Small =>
        new() { Width = 32, Steps = 30, TrainPoints = 50, TestPoints = 10, Lr = 1e-2, Seed = 4 };

    [Fact]
    public void Execute_SameConfigTwice_IdenticalResult()
    {
        var first = ToyRun.Execute(Small with { Init = LoraInit.B });
        var second = ToyRun.Execute(Small with { Init = LoraInit.B });
        Assert.Equal(first.Loss, second.Loss);
        Assert.Equal(first.RmsZa, second.RmsZa);
        Assert.Equal(first.FinalTestLoss, second.FinalTestLoss);
        Assert.Equal(ToyRunStatus.Ok, first.Status);
        Assert.True(first.FinalTrainLoss < first.InitialLoss);
    }

    [Theory]
    [InlineData(32, 50, nameof(ToyReadout.Layer))]
    [InlineData(32, 50, nameof(ToyReadout.Scalar))]
    [InlineData(32, 50, nameof(ToyReadout.LayerRelu))]
    [InlineData(4096, 600, nameof(ToyReadout.Layer))]   // H is 9.8 MB: multiplied in blocks
    public void Execute_InsideAPackOfSeveralSeeds_BitIdenticalToAlone(int width, int points, string readoutName)
    {
        var readout = Enum.Parse<ToyReadout>(readoutName);   // a string: ToyReadout is internal
        // Given a pack of several seeds, both inits and learning rates (one of them diverging), in mixed order
        var c = Small with { Width = width, TrainPoints = points, Readout = readout, Steps = width > 1000 ? 6 : 30 };
        var runs = new[]
        {
            c with { Lr = 1e-3 }, c with { Seed = 7, Init = LoraInit.B }, c, c with { Init = LoraInit.B, Lr = 50 },
            c with { Seed = 7, Lr = 3e-3 }, c with { Init = LoraInit.B, Lr = 3e-3 },
        };

        // When they are trained as one pass, and each alone
        var packed = ToyRun.ExecuteMany(runs);

        // Then every run's numbers are bit-identical to its separate run's: every operation of a pass is per row, so
        // a pass's company cannot change them (a search's resumed waves pack differently from the interrupted ones)
        Assert.Equal(ToyRunStatus.Diverged, packed[3].Status);
        for (int k = 0; k < runs.Length; k++)
        {
            var single = ToyRun.Execute(runs[k]);
            Assert.Equal(single.Loss, packed[k].Loss);
            Assert.Equal(single.RmsZa, packed[k].RmsZa);
            Assert.Equal(single.GradNormA, packed[k].GradNormA);
            Assert.Equal(single.FinalTrainLoss, packed[k].FinalTrainLoss);
            Assert.Equal(single.FinalTestLoss, packed[k].FinalTestLoss);
            Assert.Equal(single.InitialTestLoss, packed[k].InitialTestLoss);
            Assert.Equal(single.Status, packed[k].Status);
        }
    }

    [Fact]
    public void Execute_HugeLr_IsDivergedAndNeverFinite()
    {
        var result = ToyRun.Execute(Small with { Init = LoraInit.B, Lr = 50 });

        // It stops early, at the first step whose loss is over DivergenceFactor × the initial loss (or not finite),
        // and nothing measured from there on is finite: no final losses, and NaN in every per-step array
        Assert.Equal(ToyRunStatus.Diverged, result.Status);
        var stop = result.StoppedAtStep!.Value;
        Assert.InRange(stop, 1, Small.Steps - 1);
        Assert.True(double.IsFinite(result.InitialLoss) && double.IsFinite(result.Loss[0]));
        Assert.True(result.Loss.Take(stop).All(double.IsFinite), "losses before the stop are measured");
        Assert.False(result.Loss[stop - 1] > Small.DivergenceFactor * result.InitialLoss, "stopped too late");
        Assert.False(result.Loss[stop] <= Small.DivergenceFactor * result.InitialLoss, "stopped without cause");
        Assert.True(double.IsNaN(result.FinalTrainLoss) && double.IsNaN(result.FinalTestLoss));
        Assert.True(double.IsNaN(result.RelativeFinalLoss));
        foreach (var series in new[] { result.Loss, result.RmsZa, result.RmsZb, result.DeltaWNorm, result.GradNormA,
                                       result.GradNormB })
        {
            Assert.Equal(Small.Steps, series.Length);
            Assert.All(series.Skip(stop + 1), v => Assert.True(double.IsNaN(v)));
        }
    }

    [Fact]
    public void Config_RoundTripsThroughJson_NoDerivedKeys_EveryKeySettableWithSet()
    {
        var config = Small with { Readout = ToyReadout.LayerRelu, Scaling = ToyScaling.AlphaOverSqrtR,
                                 Diagnostics = false, LrB = 0.5 };
        var tree = (System.Text.Json.Nodes.JsonObject)LoraLab.IO.Config.ConfigJson.ToNode(config);
        Assert.Equal(config, LoraLab.IO.Config.ConfigLoader.FromTree<ToyRunConfig>(tree, null, "tree"));
        foreach (var derived in new[] { "scale", "effective_lr_b", "init_seed", "problem_spec" })
            Assert.False(tree.ContainsKey(derived), derived);
        var sets = tree.Select(p => $"{p.Key}={p.Value?.ToJsonString() ?? "null"}").ToList();
        Assert.Equal(config, LoraLab.IO.Config.ConfigLoader.FromTree<ToyRunConfig>(null, sets, "--set"));
    }

    [Fact]
    public void InitSeed_DependsOnTheInitsNameAndSeedOnly()
    {
        Assert.Equal(Small.InitSeed, (Small with { Width = 999, Lr = 3 }).InitSeed);
        Assert.NotEqual(Small.InitSeed, (Small with { Init = LoraInit.B }).InitSeed);
        Assert.NotEqual(Small.InitSeed, (Small with { Seed = 5 }).InitSeed);
        Assert.True(Small.InitSeed >= 0);
    }

    [Fact]
    public void Execute_InvalidConfig_ThrowsUsageError()
    {
        var ex = Assert.Throws<LoraLabException>(() => ToyRun.Execute(Small with { Init = LoraInit.Pissa, Steps = 0 }));
        Assert.Contains("steps", ex.Message);
        Assert.Contains("init", ex.Message);
    }
}
