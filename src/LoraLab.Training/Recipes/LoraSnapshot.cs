using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>
/// A copy of the last good (finite) trainable weights — LoRA factors and full-trained head parameters — captured
/// after every step and put back if an optimizer step ever produces a non-finite weight, so a run that diverges
/// keeps and saves the adapter of its last good step.
/// </summary>
internal sealed class LoraSnapshot : IDisposable
{
    readonly List<(Parameter Live, Tensor Copy)> _entries = [];

    public LoraSnapshot(IEnumerable<Parameter> parameters)
    {
        foreach (var p in parameters) _entries.Add((p, p.detach().clone()));
    }

    /// <summary>Copies the live weights if all of them are finite; returns false (keeping the old copy)
    /// otherwise.</summary>
    public bool CaptureIfFinite()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var worst = stack(_entries.Select(e => e.Live.abs().max()).ToList()).max().item<float>();   // NaN propagates
        if (!float.IsFinite(worst)) return false;
        foreach (var (live, copy) in _entries) copy.copy_(live);
        return true;
    }

    /// <summary>The copy of <paramref name="parameter"/> from the last capture (before this step's update).</summary>
    public Tensor CopyOf(Parameter parameter) => _entries.First(e => e.Live.Handle == parameter.Handle).Copy;

    /// <summary>Puts the last good weights back into the model.</summary>
    public void Restore()
    {
        using var noGrad = no_grad();
        foreach (var (live, copy) in _entries) live.copy_(copy);
    }

    public void Dispose()
    {
        foreach (var e in _entries) e.Copy.Dispose();
    }
}
