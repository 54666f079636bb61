using LoraLab.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>L2 norms of the gradients per group (all lora_A, all lora_B, the rest) and their global norm, before
/// clipping (summed in f64).</summary>
internal sealed record GradStats(double NormA, double NormB, double NormOther, double Total)
{
    public bool IsFinite => double.IsFinite(Total);

    /// <summary>Group norms (one host read) and the squared grad norm of every matrix as a tensor (2L + O,) f64 —
    /// lora_A of each layer, lora_B of each layer, then <paramref name="other"/> — for diagnostics read later.
    /// A parameter without a gradient (a frozen side) counts 0.</summary>
    public static (GradStats Stats, Tensor PerMatrix) Measure(IReadOnlyList<AdaptedLayer> layers,
                                                              IReadOnlyList<Parameter> other)
    {
        var parameters = layers.Select(l => l.Layer.LoraA).Concat(layers.Select(l => l.Layer.LoraB)).Concat(other)
            .ToList();
        var squares = stack(parameters.Select(p => p.requires_grad && p.grad is { } g
                                                  ? g.square().sum().to(float64) : zeros([], dtype: float64)).ToList());
        var n = layers.Count;
        var groups = stack([squares[..n].sum(), squares[n..(2 * n)].sum(), squares[(2 * n)..].sum()])
            .data<double>().ToArray();                                           // (3,): the one read per step
        var (a, b, o) = (Math.Sqrt(groups[0]), Math.Sqrt(groups[1]), Math.Sqrt(groups[2]));
        return (new GradStats(a, b, o, Math.Sqrt(groups[0] + groups[1] + groups[2])), squares);
    }

    /// <summary>Scales every gradient by max_norm / (total + 1e-6) when that is below 1 (torch clip_grad_norm_).
    /// Returns whether it clipped.</summary>
    public bool Clip(IEnumerable<Parameter> parameters, double maxNorm)
    {
        var factor = maxNorm / (Total + 1e-6);
        if (maxNorm <= 0 || factor >= 1) return false;
        using var noGrad = no_grad();
        foreach (var p in parameters)
            p.grad?.mul_(factor);
        return true;
    }
}
