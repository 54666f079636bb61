using LoraLab.Experiments.Toy;
using LoraLab.Models.TeacherStudent;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Experiments.Toy;

[Collection(TorchCollection.Name)]
public sealed class LowRankObjectiveTests
{
    [Theory]
    [InlineData(nameof(ToyReadout.Layer))]
    [InlineData(nameof(ToyReadout.Scalar))]
    [InlineData(nameof(ToyReadout.LayerRelu))]
    public void SmallWidth_LossAndGradients_MatchNaiveAutogradThroughFullNetwork(string readoutName)
    {
        var readout = Enum.Parse<ToyReadout>(readoutName);   // a string: ToyReadout is internal
        // Given a small problem (n = 24, N = 30) and K = 3 random adapters, with scale s = 1.5
        const int n = 24, r = 3, K = 3;
        const double s = 1.5;
        using var toy = new ToyProblem(new TeacherStudentSpec(n, 5, 2, 0.5, 30, 7, Seed: 3));
        var problem = toy.Problem;
        torch.manual_seed(11);
        var a = randn(K, r, n).div_(Math.Sqrt(n));
        var b = randn(K, n, r).div_(Math.Sqrt(r));
        using var objective = new LowRankObjective(Enumerable.Repeat(toy.Train, K).ToList(), s, readout);

        // When the low-rank objective evaluates them (G = A·H and ∂L/∂A = ∂L/∂G·Hᵀ included)
        var g = zeros(K, r, 30);
        objective.Project(a, g);
        var gradG = zeros(K, r, 30);
        var gradB = zeros(K, n, r);
        var values = objective.Evaluate(b, g, gradG, gradB);
        var gradA = zeros(K, r, n);
        objective.BackProject(gradG, gradA);

        // Then loss, gradients and feature norms equal autograd through u = h(W* + s·B·A)ᵀ with W* built explicitly
        // (and relu(u) for the layer-relu readout, whose W*·H the objective got streamed block by block)
        var wStar = problem.PretrainedWeight();
        var h = problem.HTrain.t();                                           // (N, n)
        var teacher = problem.TeacherLayer(h, wStar);
        for (int k = 0; k < K; k++)
        {
            var ak = a[k].clone().requires_grad_(true);
            var bk = b[k].clone().requires_grad_(true);
            var student = TeacherStudentProblem.StudentLayer(h, wStar, ak, bk, s);
            var loss = readout switch
            {
                ToyReadout.Layer => (student - teacher).square().mean(),
                ToyReadout.LayerRelu => (student.relu() - teacher.relu()).square().mean(),
                _ => (problem.ScalarReadout(student) - problem.ScalarReadout(teacher)).square().mean(),
            };
            loss.backward();
            Assert.Equal(loss.item<float>(), values.Loss[k].item<double>(), 1e-4 * loss.item<float>());
            TensorAssert.Close(gradA[k], ak.grad!, atol: 1e-6, rtol: 1e-4, what: $"dL/dA[{k}]");
            TensorAssert.Close(gradB[k], bk.grad!, atol: 1e-6, rtol: 1e-4, what: $"dL/dB[{k}]");
            using var noGrad = no_grad();
            var za = h.matmul(ak.t());                                        // (N, r)
            var zb = za.matmul(bk.t()) * s;                                   // (N, n)
            Assert.Equal(za.square().mean().sqrt().item<float>(), values.RmsZa![k].item<double>(), 1e-5);
            Assert.Equal(zb.square().mean().sqrt().item<float>(), values.RmsZb![k].item<double>(), 1e-5);
        }
    }
}
