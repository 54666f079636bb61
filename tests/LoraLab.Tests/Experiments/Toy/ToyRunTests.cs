using LoraLab.Core;
using LoraLab.Experiments.Toy;
using LoraLab.IO;
using LoraLab.Models.TeacherStudent;

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

    [Fact]
    public void Execute_MatchesTheSameConfigInsideABatch()
    {
        var runs = new[] { Small with { Lr = 1e-3 }, Small, Small with { Init = LoraInit.B, Lr = 3e-3 } };
        using var problem = new TeacherStudentProblem(Small.ProblemSpec);
        var batched = BatchedToyTrainer.Train(problem, runs, null, CancellationToken.None);
        var single = ToyRun.Execute(Small);
        // Bit-identical: the GEMMs with the shared features run per configuration, so a pass's company cannot
        // change a run's numbers (a search's resumed waves pack differently from the interrupted ones).
        Assert.Equal(single.Loss, batched[1].Loss);
        Assert.Equal(single.FinalTestLoss, batched[1].FinalTestLoss);
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
        var config = Small with { Readout = ToyReadout.LayerRelu, Scaling = ToyScaling.AlphaOverSqrtR, Diagnostics = false, LrB = 0.5 };
        var tree = (System.Text.Json.Nodes.JsonObject)LoraLab.IO.Config.ConfigJson.ToNode(config);
        Assert.Equal(config, LoraLab.IO.Config.ConfigLoader.FromTree<ToyRunConfig>(tree, null, "tree"));
        foreach (var derived in new[] { "scale", "effective_lr_b", "init_seed", "problem_spec" }) Assert.False(tree.ContainsKey(derived), derived);
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
