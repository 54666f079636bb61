using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

/// <summary>
/// The live part of a batch of toy runs: the factors A (K, r, n), B (K, n, r), the preallocated work buffers and the
/// Adam state of the K configurations still running, and which original configuration each row is.
/// <see cref="Keep"/> drops diverged rows so that they cost nothing afterwards.
/// </summary>
internal sealed class ToyBatch : IDisposable
{
    ToyBatch(int[] configs, Tensor a, Tensor b, long points)
    {
        Configs = configs;
        A = a.DetachFromDisposeScope();
        B = b.DetachFromDisposeScope();
        long k = a.shape[0], r = a.shape[1];
        G = zeros(k, r, points).DetachFromDisposeScope();
        GradG = zeros(k, r, points).DetachFromDisposeScope();
        GradA = zeros_like(a).DetachFromDisposeScope();
        GradB = zeros_like(b).DetachFromDisposeScope();
    }

    /// <param name="configs">The configuration of each row (rows of one problem next to each other).</param>
    public ToyBatch(int[] configs, Tensor a, Tensor b, long points, double[] lrA, double[] lrB, double beta1,
        double beta2, double eps)
        : this(configs, a, b, points)
    {
        Adam = new BatchedAdam([A, B], [lrA, lrB], beta1, beta2, eps);
    }

    /// <summary>Original configuration index of each row.</summary>
    public int[] Configs { get; }
    public int Rows => Configs.Length;
    public Tensor A { get; }
    public Tensor B { get; }
    public Tensor G { get; }
    public Tensor GradG { get; }
    public Tensor GradA { get; }
    public Tensor GradB { get; }
    public BatchedAdam Adam { get; private set; } = null!;

    /// <summary>A batch of the given rows (positions in this batch), with their factors, gradients and Adam
    /// state.</summary>
    public ToyBatch Keep(IReadOnlyList<int> rows)
    {
        using var scope = NewDisposeScope();
        var idx = tensor(rows.Select(i => (long)i).ToArray());
        var kept = new ToyBatch(rows.Select(i => Configs[i]).ToArray(),
                                A.index_select(0, idx), B.index_select(0, idx), G.shape[2]);
        kept.GradA.copy_(GradA.index_select(0, idx));
        kept.GradB.copy_(GradB.index_select(0, idx));
        kept.Adam = Adam.Keep(idx, [kept.A, kept.B]);
        return kept;
    }

    public void Dispose()
    {
        foreach (var t in new[] { A, B, G, GradG, GradA, GradB }) t.Dispose();
        Adam.Dispose();
    }
}
