using LoraLab.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>L2 norms of the gradients per group (all lora_A, all lora_B, the rest) and their global norm, before clipping.</summary>
public sealed record GradStats(double NormA, double NormB, double NormOther, double Total)
{
    public bool IsFinite => double.IsFinite(Total);

    public static GradStats Measure(IReadOnlyList<AdaptedLayer> layers, IReadOnlyList<Parameter> other)
    {
        var a = Norm(layers.Select(l => l.Layer.LoraA));
        var b = Norm(layers.Select(l => l.Layer.LoraB));
        var o = Norm(other);
        return new GradStats(a, b, o, Math.Sqrt(a * a + b * b + o * o));
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

    static double Norm(IEnumerable<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        var squares = parameters.Where(p => p.requires_grad && p.grad is not null)
                                .Select(p => p.grad!.square().sum()).ToList();
        return squares.Count == 0 ? 0 : Math.Sqrt(stack(squares).sum().item<float>());
    }
}
