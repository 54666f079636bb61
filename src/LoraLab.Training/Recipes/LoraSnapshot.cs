using LoraLab.Core;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>
/// The last good (finite) trainable weights: LoRA factors under their PEFT names
/// (<c>base_model.model.{path}.lora_A.weight</c>) and full-trained head parameters
/// (<c>base_model.model.{name}</c>, PEFT modules_to_save). Captured after every step, so a run that diverges keeps
/// and saves the adapter of its last good step.
/// </summary>
public sealed class LoraSnapshot : IDisposable
{
    readonly List<(string Name, Parameter Live, Tensor Copy)> _entries = [];

    public LoraSnapshot(IReadOnlyList<AdaptedLayer> layers, IEnumerable<(string Name, Parameter Parameter)> head)
    {
        foreach (var l in layers)
        {
            Add($"base_model.model.{l.Path}.lora_A.weight", l.Layer.LoraA);
            Add($"base_model.model.{l.Path}.lora_B.weight", l.Layer.LoraB);
        }
        foreach (var (name, p) in head) Add($"base_model.model.{name}", p);
    }

    void Add(string name, Parameter p) => _entries.Add((name, p, p.detach().clone()));

    /// <summary>Copies the live weights if all of them are finite; returns false (keeping the old copy) otherwise.</summary>
    public bool CaptureIfFinite()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var worst = stack(_entries.Select(e => e.Live.abs().max()).ToList()).max().item<float>();   // NaN propagates
        if (!float.IsFinite(worst)) return false;
        foreach (var (_, live, copy) in _entries) copy.copy_(live);
        return true;
    }

    /// <summary>Puts the last good weights back into the model.</summary>
    public void Restore()
    {
        using var noGrad = no_grad();
        foreach (var (_, live, copy) in _entries) live.copy_(copy);
    }

    /// <summary>Name → tensor (the snapshot's own copies; do not dispose).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => _entries.ToDictionary(e => e.Name, e => e.Copy);

    public void Dispose()
    {
        foreach (var e in _entries) e.Copy.Dispose();
    }
}
