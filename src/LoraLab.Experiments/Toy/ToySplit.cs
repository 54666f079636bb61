using LoraLab.Models.TeacherStudent;
using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

/// <summary>
/// One problem's teacher side on one data split (train or test) in the forms <see cref="LowRankObjective"/> uses,
/// computed once and shared by every run of that problem (cached with it in <see cref="ToyProblemCache"/>). With
/// features H (n, N): G* = A*·H (r*, N), B* (n, r*), T = B*·G*, ‖T‖², the scalar readout's w and y = (B*ᵀw)ᵀG*, and
/// for the layer-relu readout U₀ = W*·H and Y = relu(U₀ + T) (both (n, N), built on first use).
/// </summary>
internal sealed class ToySplit : IDisposable
{
    readonly Func<Tensor> _preActivations;
    readonly Lock _gate = new();
    (Tensor Pre, Tensor Target)? _relu;

    public ToySplit(TeacherStudentProblem problem, Tensor features, Func<Tensor> preActivations)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Features = features;
        _preActivations = preActivations;
        GStar = problem.TeacherA.to(float64).matmul(features.to(float64)).DetachFromDisposeScope();
        BStar = problem.TeacherB.to(float64).DetachFromDisposeScope();
        Readout = problem.Readout.to(float64).DetachFromDisposeScope();
        Target = BStar.t().matmul(Readout).matmul(GStar).DetachFromDisposeScope();
        TeacherSq = BStar.t().matmul(BStar).mul(GStar.matmul(GStar.t())).sum().DetachFromDisposeScope();
    }

    /// <summary>H: (n, N) float32 (the problem's; not owned).</summary>
    public Tensor Features { get; }
    public long Width => Features.shape[0];
    public long Points => Features.shape[1];
    /// <summary>G* = A*·H: (r*, N) f64.</summary>
    public Tensor GStar { get; }
    /// <summary>B*: (n, r*) f64.</summary>
    public Tensor BStar { get; }
    /// <summary>w: (n,) f64.</summary>
    public Tensor Readout { get; }
    /// <summary>Scalar readout target y = (B*ᵀw)ᵀG*: (N,) f64.</summary>
    public Tensor Target { get; }
    /// <summary>‖T‖_F² as a 0-dim f64 tensor.</summary>
    public Tensor TeacherSq { get; }

    /// <summary>Layer-relu: U₀ = W*·H and Y = relu(U₀ + T), both (n, N) float32; built on first use
    /// (thread-safe).</summary>
    public (Tensor Pre, Tensor Target) Relu
    {
        get
        {
            lock (_gate)
            {
                if (_relu is null)
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    var pre = _preActivations();
                    _relu = (pre, BStar.matmul(GStar).to(float32).add_(pre).relu_().DetachFromDisposeScope());
                }
                return _relu.Value;
            }
        }
    }

    public long Bytes => (GStar.numel() + BStar.numel() + Readout.numel() + Target.numel()) * 8 +
                         (_relu is null ? 0 : Features.numel() * 4);

    public void Dispose()
    {
        foreach (var t in new[] { GStar, BStar, Readout, Target, TeacherSq }) t.Dispose();
        _relu?.Target.Dispose();   // Pre belongs to the problem
    }
}
