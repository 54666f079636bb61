using LoraLab.Core;
using LoraLab.Experiments.WidthSweep;
using LoraLab.Models.TeacherStudent;

namespace LoraLab.Tests.Experiments.WidthSweep;

[Collection(TorchCollection.Name)]
public sealed class ToyRunTests
{
    static ToyRunConfig Small => new() { Width = 32, Steps = 30, TrainPoints = 50, TestPoints = 10, Lr = 1e-2, Seed = 4 };

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
        TensorAssert.CloseValues(single.Loss, batched[1].Loss, 1e-9, 1e-5, "loss per step");
    }

    [Fact]
    public void Execute_HugeLr_IsDivergedAndNeverFinite()
    {
        var result = ToyRun.Execute(Small with { Init = LoraInit.B, Lr = 50 });
        Assert.Equal(ToyRunStatus.Diverged, result.Status);
    }

    [Fact]
    public void Execute_InvalidConfig_ThrowsUsageError()
    {
        var ex = Assert.Throws<LoraLabException>(() => ToyRun.Execute(Small with { Init = LoraInit.Pissa, Steps = 0 }));
        Assert.Contains("steps", ex.Message);
        Assert.Contains("init", ex.Message);
    }
}
