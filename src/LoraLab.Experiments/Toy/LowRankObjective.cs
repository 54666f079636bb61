using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

/// <summary>
/// The toy loss of K LoRA adapters on one data split, and its gradients, without ever forming an (N, n) tensor per
/// configuration (docs/protocol-width-sweep.md §5). Row k belongs to the problem of split <c>rows[k]</c> (rows of one
/// problem are contiguous: a "group"). With G = A·H (K, r, N) (<see cref="Project"/>) and the row's teacher
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
/// The layer-relu readout is the one that needs the full (k, n, N) output (float32, one group at a time), so it
/// costs O(n·N) per run and step instead of O(r·N). ∂L/∂A = ∂L/∂G·Hᵀ is <see cref="BackProject"/>. The r×r
/// reductions run in float64: the expanded layer loss is a difference of Θ(‖T‖²) terms and would lose the small
/// losses of converged runs in float32.
/// Every operation is batched over rows (bmm, elementwise), never a GEMM whose rows stack several configurations, so
/// a row's numbers do not depend on which rows share the pass (MKL picks kernels by the stacked size): a search's
/// resumed waves pack differently from the interrupted ones and must give the same bytes.
/// </summary>
internal sealed class LowRankObjective : IDisposable
{
    /// <summary>Features larger than this are multiplied in blocks of at most <see cref="BlockBytes"/> (columns of H
    /// for A·H, rows for ∂L/∂G·Hᵀ), every row of a group against one block before the next: the block stays in
    /// cache instead of streaming H from memory once per configuration (2.7× at n = 8192, N = 1000). The blocks
    /// depend on (n, N) only, never on the pass.</summary>
    const long BlockThresholdBytes = 8L << 20, BlockBytes = 4L << 20;

    readonly ToySplit[] _rows;
    readonly (int Start, int Count, ToySplit Split)[] _groups;
    readonly double _scale;
    readonly Tensor? _gStar;     // layer: (K, r*, N) f64
    readonly Tensor? _bStar;     // layer: (K, n, r*) f64
    readonly Tensor? _teacherSq; // layer: (K,) f64
    readonly Tensor? _readout;   // scalar: (K, n, 1) f64
    readonly Tensor? _target;    // scalar: (K, N) f64

    public LowRankObjective(IReadOnlyList<ToySplit> rows, double scale, ToyReadout kind)
    {
        _rows = rows.ToArray();
        _scale = scale;
        Kind = kind;
        var groups = new List<(int Start, int Count, ToySplit Split)>();
        for (int k = 0; k < _rows.Length; k++)
        {
            if (groups.Count > 0 && ReferenceEquals(groups[^1].Split, _rows[k]))
                groups[^1] = groups[^1] with { Count = groups[^1].Count + 1 };
            else if (groups.Any(g => ReferenceEquals(g.Split, _rows[k])))
                throw new ArgumentException("rows of one problem must be contiguous", nameof(rows));
            else groups.Add((k, 1, _rows[k]));
        }
        _groups = groups.ToArray();
        if (_rows.Length == 0) return;
        Width = _rows[0].Width;
        Points = _rows[0].Points;
        using var scope = NewDisposeScope();
        Tensor Stack(Func<ToySplit, Tensor> part) => stack(_rows.Select(part).ToArray()).DetachFromDisposeScope();
        switch (kind)
        {
            case ToyReadout.Layer:
                _gStar = Stack(s => s.GStar);
                _bStar = Stack(s => s.BStar);
                _teacherSq = Stack(s => s.TeacherSq);
                break;
            case ToyReadout.Scalar:
                _readout = Stack(s => s.Readout.unsqueeze(1));
                _target = Stack(s => s.Target);
                break;
            case ToyReadout.LayerRelu:
                foreach (var g in _groups) _ = g.Item3.Relu;
                break;
        }
    }

    public ToyReadout Kind { get; }
    public long Width { get; }
    public long Points { get; }
    public int Rows => _rows.Length;

    /// <summary>The objective of a subset of the rows (positions in this one, in order).</summary>
    public LowRankObjective Keep(IReadOnlyList<int> rows) => new(rows.Select(i => _rows[i]).ToList(), _scale, Kind);

    /// <summary>G = A·H per row: A (K, r, n) → <paramref name="g"/> (K, r, N), same dtype as H unless
    /// <paramref name="float64"/> (the final losses: a float32 GEMM this thin was not bit-reproducible).</summary>
    public void Project(Tensor a, Tensor g, bool float64 = false)
    {
        using var scope = NewDisposeScope();
        var a64 = float64 ? a.to(ScalarType.Float64) : a;
        foreach (var (start, count, split) in _groups)
        {
            var h = float64 ? split.Features.to(ScalarType.Float64) : split.Features;
            var ag = a64.narrow(0, start, count);
            var gg = g.narrow(0, start, count);
            foreach (var (c, w) in Blocks(Width, Points))
                gg.narrow(2, c, w).copy_(ag.bmm(h.narrow(1, c, w).expand(count, Width, w)));
        }
    }

    /// <summary>∂L/∂A = ∂L/∂G·Hᵀ per row: (K, r, N) → <paramref name="gradA"/> (K, r, n).</summary>
    public void BackProject(Tensor gradG, Tensor gradA)
    {
        using var scope = NewDisposeScope();
        foreach (var (start, count, split) in _groups)
        {
            var gg = gradG.narrow(0, start, count);
            var ga = gradA.narrow(0, start, count);
            foreach (var (c, w) in Blocks(Width, Points, rows: true))
                ga.narrow(2, c, w).copy_(gg.bmm(split.Features.narrow(0, c, w).t().expand(count, Points, w)));
        }
    }

    /// <summary>(start, length) blocks of the dimension each GEMM leaves free: columns of H (N) for A·H, rows (n) for
    /// ∂L/∂G·Hᵀ — the same count of blocks for both, so each block of H is at most <see cref="BlockBytes"/>.</summary>
    static IEnumerable<(long Start, long Length)> Blocks(long width, long points, bool rows = false)
    {
        var bytes = width * points * 4;
        var count = bytes <= BlockThresholdBytes ? 1 : (bytes + BlockBytes - 1) / BlockBytes;
        var size = rows ? width : points;
        var step = (size + count - 1) / count;
        for (long c = 0; c < size; c += step) yield return (c, Math.Min(step, size - c));
    }

    /// <summary>
    /// Values at B (K, n, r) and G = A·H (K, r, N). When <paramref name="gradG"/> and <paramref name="gradB"/>
    /// (float32 buffers shaped like G and B) are given, the gradients are written into them. RMS of Z_A = A·h and
    /// Z_B = s·B·A·h only when <paramref name="diagnostics"/>. The returned tensors belong to the caller's dispose
    /// scope.
    /// </summary>
    public ObjectiveValues Evaluate(Tensor b, Tensor g, Tensor? gradG = null, Tensor? gradB = null,
        bool diagnostics = true)
    {
        long r = g.shape[1];
        double nN = Points * (double)Width;
        var gd = g.to(ScalarType.Float64);                                    // (K, r, N)
        var bd = b.to(ScalarType.Float64);                                    // (K, n, r)
        Tensor? p = null, q = null, zbSq = null;
        if (diagnostics || Kind == ToyReadout.Layer)
        {
            p = gd.bmm(gd.transpose(1, 2));                                   // (K, r, r)
            q = bd.transpose(1, 2).bmm(bd);                                   // (K, r, r)
            zbSq = p.mul(q).sum([1, 2]).mul_(_scale * _scale);                // ‖Z_B‖_F² per config
        }
        var loss = Kind switch
        {
            ToyReadout.Layer => LayerLoss(gd, bd, p!, q!, zbSq!, nN, gradG, gradB),
            ToyReadout.LayerRelu => ReluLoss(b.to(ScalarType.Float32), g.to(ScalarType.Float32), nN, gradG, gradB),
            ToyReadout.Scalar => ScalarLoss(gd, bd, gradG, gradB),
        };
        if (!diagnostics) return new ObjectiveValues(loss, null, null);
        var rmsZa = p!.diagonal(0, 1, 2).sum(-1).div_(r * Points).sqrt_();
        var rmsZb = zbSq!.div(nN).sqrt_();
        return new ObjectiveValues(loss, rmsZa, rmsZb);
    }

    Tensor LayerLoss(Tensor gd, Tensor bd, Tensor p, Tensor q, Tensor zbSq, double nN, Tensor? gradG, Tensor? gradB)
    {
        var rr = gd.bmm(_gStar!.transpose(1, 2));                             // R: (K, r, r*)
        var c = bd.transpose(1, 2).bmm(_bStar!);                              // C: (K, r, r*)
        var loss = zbSq.sub(c.mul(rr).sum([1, 2]).mul_(2 * _scale)).add_(_teacherSq!).div_(nN);
        if (gradG is not null && gradB is not null)
        {
            var k = 2 * _scale / nN;
            gradG.copy_(q.bmm(gd).mul_(_scale).sub_(c.bmm(_gStar!)).mul_(k));
            gradB.copy_(bd.bmm(p).mul_(_scale).sub_(_bStar!.bmm(rr.transpose(1, 2))).mul_(k));
        }
        return loss;
    }

    /// <summary>One group at a time: the (k, n, N) tensors of a whole pass would not fit in memory.</summary>
    Tensor ReluLoss(Tensor b, Tensor g, double nN, Tensor? gradG, Tensor? gradB)
    {
        var losses = new List<Tensor>();
        foreach (var (start, count, split) in _groups)
        {
            var (u0, y) = split.Relu;
            var bg = b.narrow(0, start, count);
            var gg = g.narrow(0, start, count);
            // Memory-bound (each (k, n, N) pass streams k·n·N floats), so as few passes as the formulas allow:
            // P in one GEMM with U₀ as its addend, E in place, and 2/(N·n) folded into the two small products.
            // TorchSharp's baddbmm is batch1.baddbmm(batch2, addend): U₀ + s·B·G
            var pre = bg.baddbmm(gg, u0.expand(count, Width, Points), beta: 1, alpha: (float)_scale); // P: (k, n, N)
            var mask = pre.gt(0);
            var e = pre.relu_().sub_(y);                                      // E: (k, n, N)
            losses.Add(e.square().sum([1, 2], type: ScalarType.Float64).div_(nN));
            if (gradG is not null && gradB is not null)
            {
                var d = e.mul_(mask);                                         // D·(N·n)/2: (k, n, N)
                var k = 2 * _scale / nN;
                gradG.narrow(0, start, count).copy_(bg.transpose(1, 2).bmm(d).mul_(k));
                gradB.narrow(0, start, count).copy_(d.bmm(gg.transpose(1, 2)).mul_(k));
            }
        }
        return losses.Count == 1 ? losses[0] : cat(losses, 0);
    }

    Tensor ScalarLoss(Tensor gd, Tensor bd, Tensor? gradG, Tensor? gradB)
    {
        var bw = bd.transpose(1, 2).bmm(_readout!);                           // Bᵀw: (K, r, 1)
        var f = bw.transpose(1, 2).bmm(gd).squeeze(1).mul_(_scale);           // (K, N)
        var e = f.sub_(_target!);                                             // (K, N)
        var loss = e.square().mean([1]);
        if (gradG is not null && gradB is not null)
        {
            var k = 2 * _scale / Points;
            gradG.copy_(bw.mul(e.unsqueeze(1)).mul_(k));                      // (K, r, N)
            var ge = gd.bmm(e.unsqueeze(2)).transpose(1, 2);                  // (G·e)ᵀ: (K, 1, r)
            gradB.copy_(_readout!.mul(ge).mul_(k));                           // (K, n, r)
        }
        return loss;
    }

    public void Dispose()
    {
        foreach (var t in new[] { _gStar, _bStar, _teacherSq, _readout, _target }) t?.Dispose();
    }
}
