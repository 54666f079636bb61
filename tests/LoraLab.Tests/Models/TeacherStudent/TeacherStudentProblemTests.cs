using LoraLab.Models.TeacherStudent;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Models.TeacherStudent;

[Collection(TorchCollection.Name)]
public sealed class TeacherStudentProblemTests
{
    static TeacherStudentSpec Spec(int width, long seed = 1) => new(width, 5, 4, 0.5, 200, 20, seed);

    [Fact]
    public void SameSeed_IdenticalTensors_AndGlobalRngUntouched()
    {
        torch.manual_seed(9);
        var expected = rand(3);
        torch.manual_seed(9);
        using var p1 = new TeacherStudentProblem(Spec(64));
        var after = rand(3);
        using var p2 = new TeacherStudentProblem(Spec(64));
        Assert.Equal(expected.data<float>().ToArray(), after.data<float>().ToArray());
        Assert.Equal(p1.HTrain.data<float>().ToArray(), p2.HTrain.data<float>().ToArray());
        Assert.Equal(p1.TeacherB.data<float>().ToArray(), p2.TeacherB.data<float>().ToArray());
        Assert.Equal(p1.PretrainedWeight().data<float>().ToArray(), p2.PretrainedWeight().data<float>().ToArray());
    }

    [Fact]
    public void DifferentWidths_SameInputs()
    {
        using var small = new TeacherStudentProblem(Spec(32));
        using var large = new TeacherStudentProblem(Spec(256));
        Assert.Equal(small.XTrain.data<float>().ToArray(), large.XTrain.data<float>().ToArray());
        Assert.Equal(new long[] { 256, 200 }, large.HTrain.shape);
    }

    [Fact]
    public void TeacherShift_HasTheStatedRelativeSize()
    {
        // ‖B*A*‖_F / ‖W*‖_F ≈ c = 0.5 (docs/protocol-width-sweep.md §2)
        using var p = new TeacherStudentProblem(Spec(1024));
        var ratio = p.TeacherB.matmul(p.TeacherA).norm().item<float>() / p.PretrainedWeight().norm().item<float>();
        Assert.InRange(ratio, 0.35, 0.65);
    }
}
