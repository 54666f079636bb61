using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

/// <summary>
/// The toy loss of K LoRA adapters on one data split, and its gradients, without ever forming an (N, n) tensor per
/// configuration (docs/protocol-width-sweep.md §5). With G = A·H (K, r, N) computed by the caller and the teacher's
/// G* = A*·H (r*, N), T = B*·G*:
/// <code>
///   layer:  L = ‖s·B·G − B*·G*‖²/(N·n) = (s²⟨P,Q⟩ − 2s⟨C,R⟩ + ‖T‖²)/(N·n)
///           P = G·Gᵀ, Q = BᵀB (r×r), C = BᵀB*, R = G·G*ᵀ (r×r*)
///           ∂L/∂G = 2s(s·Q·G − C·G*)/(N·n),   ∂L/∂B = 2s(s·B·P − B*·Rᵀ)/(N·n)
///   scalar: e = s·(Bᵀw)ᵀG − y (N),  y = (B*ᵀw)ᵀG*,   L = ‖e‖²/N
///           ∂L/∂G = 2s·(Bᵀw)·eᵀ/N,   ∂L/∂B = 2s·w·(G·e)ᵀ/N
///   layer-relu (U₀ = W*·H, (n, N); Y = relu(U₀ + T)): P = U₀ + s·B·G (K, n, N), E = relu(P) − Y,
///           L = ‖E‖²/(N·n),  D = 2·E⊙[P > 0]/(N·n),  ∂L/∂G = s·BᵀD,  ∂L/∂B = s·D·Gᵀ
/// </code>
/// The layer-relu readout is the one that needs the full (K, n, N) output (in float32), so it costs O(n·N) per run
/// and step instead of O(r·N).
/// ∂L/∂A = ∂L/∂G·Hᵀ is left to the caller (one stacked GEMM). The r×r reductions run in float64: the expanded layer
/// loss is a difference of Θ(‖T‖²) terms and would lose the small losses of converged runs in float32.
/// </summary>
internal sealed class LowRankObjective : IDisposable
{
    readonly Tensor _gStar;     // (r*, N) f64
    readonly Tensor _bStar;     // (n, r*) f64
    readonly Tensor _readout;   // (n,) f64
    readonly Tensor _target;    // scalar readout y: (N,) f64
    readonly double _teacherSq; // ‖T‖_F²
    readonly double _scale;
    readonly Tensor? _pre;      // layer-relu: U₀ = W*·H (n, N) f32
    readonly Tensor? _target2;  // layer-relu: Y = relu(U₀ + T) (n, N) f32

    public LowRankObjective(Tensor features, Tensor teacherA, Tensor teacherB, Tensor readout, double scale, ToyReadout kind,
        Tensor? preActivations = null)
    {
        using var scope = NewDisposeScope();
        Features = features;
        Kind = kind;
        _scale = scale;
        Width = features.shape[0];
        Points = features.shape[1];
        _gStar = teacherA.to(float64).matmul(features.to(float64)).DetachFromDisposeScope();
        _bStar = teacherB.to(float64).DetachFromDisposeScope();
        _readout = readout.to(float64).DetachFromDisposeScope();
        _target = _bStar.t().matmul(_readout).matmul(_gStar).DetachFromDisposeScope();
        _teacherSq = _bStar.t().matmul(_bStar).mul(_gStar.matmul(_gStar.t())).sum().item<double>();
        if (kind == ToyReadout.LayerRelu)
        {
            _pre = preActivations ?? throw new ArgumentException("the layer-relu readout needs W*·H", nameof(preActivations));
            _target2 = _bStar.matmul(_gStar).to(float32).add_(_pre).relu_().DetachFromDisposeScope();
        }
    }

    /// <summary>H: (n, N) float32.</summary>
    public Tensor Features { get; }
    public ToyReadout Kind { get; }
    public long Width { get; }
    public long Points { get; }

    /// <summary>
    /// Values at A (K, r, n), B (K, n, r) with G = A·H (K, r, N). When <paramref name="gradG"/> and
    /// <paramref name="gradB"/> (float32 buffers shaped like G and B) are given, the gradients are written into them.
    /// The returned tensors belong to the caller's dispose scope.
    /// </summary>
    public ObjectiveValues Evaluate(Tensor b, Tensor g, Tensor? gradG = null, Tensor? gradB = null)
    {
        long r = g.shape[1];
        double nN = Points * (double)Width;
        var gd = g.to(float64);                                               // (K, r, N)
        var bd = b.to(float64);                                               // (K, n, r)
        var p = gd.bmm(gd.transpose(1, 2));                                   // (K, r, r)
        var q = bd.transpose(1, 2).bmm(bd);                                   // (K, r, r)
        var zbSq = p.mul(q).sum([1, 2]).mul_(_scale * _scale);                // ‖Z_B‖_F² per config
        var rmsZa = p.diagonal(0, 1, 2).sum(-1).div_(r * Points).sqrt_();
        var rmsZb = zbSq.div(nN).sqrt_();
        var loss = Kind switch
        {
            ToyReadout.Layer => LayerLoss(gd, bd, p, q, zbSq, nN, gradG, gradB),
            ToyReadout.LayerRelu => ReluLoss(b.to(float32), g.to(float32), nN, gradG, gradB),
            ToyReadout.Scalar => ScalarLoss(gd, bd, gradG, gradB),
        };
        return new ObjectiveValues(loss, rmsZa, rmsZb);
    }

    Tensor LayerLoss(Tensor gd, Tensor bd, Tensor p, Tensor q, Tensor zbSq, double nN, Tensor? gradG, Tensor? gradB)
    {
        var rr = gd.matmul(_gStar.t());                                       // R: (K, r, r*)
        var c = bd.transpose(1, 2).matmul(_bStar);                            // C: (K, r, r*)
        var loss = zbSq.sub(c.mul(rr).sum([1, 2]).mul_(2 * _scale)).add_(_teacherSq).div_(nN);
        if (gradG is not null && gradB is not null)
        {
            var k = 2 * _scale / nN;
            gradG.copy_(q.bmm(gd).mul_(_scale).sub_(c.matmul(_gStar)).mul_(k));
            gradB.copy_(bd.bmm(p).mul_(_scale).sub_(_bStar.matmul(rr.transpose(1, 2))).mul_(k));
        }
        return loss;
    }

    Tensor ReluLoss(Tensor b, Tensor g, double nN, Tensor? gradG, Tensor? gradB)
    {
        var pre = b.bmm(g).mul_(_scale).add_(_pre!);                         // P: (K, n, N)
        var e = pre.relu().sub_(_target2!);                                   // E: (K, n, N)
        var loss = e.square().sum([1, 2], type: ScalarType.Float64).div_(nN);
        if (gradG is not null && gradB is not null)
        {
            var d = e.mul_(pre.gt(0)).mul_(2 / nN);                           // D: (K, n, N)
            gradG.copy_(b.transpose(1, 2).bmm(d).mul_(_scale));
            gradB.copy_(d.bmm(g.transpose(1, 2)).mul_(_scale));
        }
        return loss;
    }

    Tensor ScalarLoss(Tensor gd, Tensor bd, Tensor? gradG, Tensor? gradB)
    {
        var bw = bd.transpose(1, 2).matmul(_readout);                         // Bᵀw: (K, r)
        var f = bw.unsqueeze(1).bmm(gd).squeeze(1).mul_(_scale);              // (K, N)
        var e = f.sub_(_target);                                              // (K, N)
        var loss = e.square().mean([1]);
        if (gradG is not null && gradB is not null)
        {
            var k = 2 * _scale / Points;
            gradG.copy_(bw.unsqueeze(2).mul(e.unsqueeze(1)).mul_(k));         // (K, r, N)
            var ge = gd.bmm(e.unsqueeze(2)).squeeze(2);                       // G·e: (K, r)
            gradB.copy_(_readout.view(1, -1, 1).mul(ge.unsqueeze(1)).mul_(k));// (K, n, r)
        }
        return loss;
    }

    public void Dispose()
    {
        _gStar.Dispose();
        _bStar.Dispose();
        _readout.Dispose();
        _target.Dispose();
        _target2?.Dispose();
    }
}
