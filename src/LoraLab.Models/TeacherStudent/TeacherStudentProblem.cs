using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Models.TeacherStudent;

/// <summary>
/// The toy teacher–student network of the width sweep: one frozen input map, one frozen "pretrained" n×n weight W*
/// that carries the LoRA adapter, and a frozen linear readout to one output.
/// <code>
///   h(x) = relu(W_in x)                       W_in ∈ R^{n×d}, entries N(0, 1/d)   (features, entries Θ(1))
///   u(x) = (W* + s·B·A) h(x)                  W* entries N(0, 1/n); A (r×n), B (n×r) trainable
///   f(x) = wᵀ u(x)                            w entries N(0, 1/n)                  (scalar readout)
///   teacher: u_T(x) = (W* + B*·A*) h(x),      A* entries N(0, 1/n), B* entries N(0, c²/r*)
/// </code>
/// Layer readout: loss on every coordinate of u (student vs teacher); scalar readout: loss on f.
/// W* is common to student and teacher, so it cancels from both residuals: u − u_T = s·B·A·h − B*·A*·h. The trainer
/// uses only the low-rank part; <see cref="PretrainedWeight"/> and the naive forwards below exist to test that.
/// All draws come from a private generator seeded with <see cref="TeacherStudentSpec.Seed"/> in a fixed order
/// (inputs first, so every width sees the same x), never from torch's global RNG.
/// </summary>
public sealed class TeacherStudentProblem : IDisposable
{
    public TeacherStudentProblem(TeacherStudentSpec spec)
    {
        Spec = spec;
        int n = spec.Width, d = spec.InputDim, rT = spec.TeacherRank;
        using var scope = NewDisposeScope();
        using var g = new Generator((ulong)spec.Seed);
        using var noGrad = no_grad();
        XTrain = randn(spec.TrainPoints, d, generator: g);                                  // (N, d)
        XTest = randn(spec.TestPoints, d, generator: g);                                    // (N_test, d)
        InputWeight = randn(n, d, generator: g).div_(Math.Sqrt(d));                         // (n, d)
        TeacherA = randn(rT, n, generator: g).div_(Math.Sqrt(n));                           // (r*, n)
        TeacherB = randn(n, rT, generator: g).mul_(spec.TeacherShiftScale / Math.Sqrt(rT)); // (n, r*)
        Readout = randn(n, generator: g).div_(Math.Sqrt(n));                                // (n,)
        HTrain = Features(XTrain).t().contiguous();                                         // (n, N)
        HTest = Features(XTest).t().contiguous();                                           // (n, N_test)
        foreach (var t in Owned) t.DetachFromDisposeScope();
    }

    public TeacherStudentSpec Spec { get; }
    public Tensor XTrain { get; }
    public Tensor XTest { get; }
    public Tensor InputWeight { get; }
    public Tensor TeacherA { get; }
    public Tensor TeacherB { get; }
    public Tensor Readout { get; }
    /// <summary>Frozen features h(x) of the training inputs, one column per point: (n, N).</summary>
    public Tensor HTrain { get; }
    /// <summary>Frozen features of the test inputs: (n, N_test).</summary>
    public Tensor HTest { get; }

    /// <summary>h = relu(x W_inᵀ): (N, d) → (N, n). Computed in float64 and rounded: MKL's float32 GEMM with a
    /// thin operand (N_test × d) was not bit-reproducible from run to run, and the features must be.</summary>
    public Tensor Features(Tensor x) => x.to(float64).matmul(InputWeight.to(float64).t()).relu().to(float32);

    /// <summary>The frozen pretrained W* (n×n), drawn on demand from its own stream (seed, stream 1) in blocks of
    /// <see cref="WeightBlockRows"/> rows: at n = 8192 it is 256 MB, and it cancels from the linear readouts'
    /// residuals, so the sweep never builds it (<see cref="PreActivations"/> streams it instead).</summary>
    public Tensor PretrainedWeight()
    {
        using var scope = NewDisposeScope();
        return cat(WeightBlocks().Select(b => b.Block).ToList(), 0).MoveToOuterDisposeScope();
    }

    public const int WeightBlockRows = 256;

    /// <summary>W*·h for features h (n, N): (n, N) float32, the frozen part of the layer's pre-activations, computed
    /// one row block of W* at a time (never n×n in memory). The same draws as <see cref="PretrainedWeight"/>.</summary>
    public Tensor PreActivations(Tensor h)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var result = empty(Spec.Width, h.shape[1]);
        foreach (var (row, block) in WeightBlocks())
        {
            result.narrow(0, row, block.shape[0]).copy_(block.matmul(h));
            block.Dispose();
        }
        return result.MoveToOuterDisposeScope();
    }

    IEnumerable<(long Row, Tensor Block)> WeightBlocks()
    {
        using var g = new Generator((ulong)Spec.Seed ^ 0x5EED_0001UL);
        for (long row = 0; row < Spec.Width; row += WeightBlockRows)
        {
            var rows = Math.Min(WeightBlockRows, Spec.Width - row);
            yield return (row, randn(rows, Spec.Width, generator: g).div_(Math.Sqrt(Spec.Width)));
        }
    }

    /// <summary>Naive student layer output u = h (W* + s·B·A)ᵀ for features h (N, n): (N, n).</summary>
    public static Tensor StudentLayer(Tensor h, Tensor wStar, Tensor a, Tensor b, double scale) =>
        h.matmul(wStar.t()) + h.matmul(a.t()).matmul(b.t()) * scale;

    /// <summary>Naive teacher layer output u_T = h (W* + B*·A*)ᵀ: (N, n).</summary>
    public Tensor TeacherLayer(Tensor h, Tensor wStar) =>
        h.matmul(wStar.t()) + h.matmul(TeacherA.t()).matmul(TeacherB.t());

    /// <summary>The lazily computed W*·H of the train and test features (layer-relu readout only; cached because
    /// it costs n²·N multiply-adds). Thread-safe: a problem may be shared by concurrent runs.</summary>
    public (Tensor Train, Tensor Test) FrozenPreActivations()
    {
        lock (_preGate)
        {
            _pre ??= (PreActivations(HTrain).DetachFromDisposeScope(), PreActivations(HTest).DetachFromDisposeScope());
            return _pre.Value;
        }
    }

    readonly Lock _preGate = new();
    (Tensor Train, Tensor Test)? _pre;

    /// <summary>Bytes held (features, and the pre-activations once computed): what a cache of problems
    /// counts.</summary>
    public long Bytes => (HTrain.numel() + HTest.numel()) * 4 * (_pre is null ? 1 : 2);

    /// <summary>Scalar readout f = u w: (N, n) → (N,).</summary>
    public Tensor ScalarReadout(Tensor layerOutput) => layerOutput.matmul(Readout);

    IEnumerable<Tensor> Owned => [XTrain, XTest, InputWeight, TeacherA, TeacherB, Readout, HTrain, HTest];

    public void Dispose()
    {
        foreach (var t in Owned) t.Dispose();
        if (_pre is { } pre)
        {
            pre.Train.Dispose();
            pre.Test.Dispose();
        }
    }
}
