using LoraLab.Core;
using LoraLab.IO;
using LoraLab.Training.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>
/// The tensors a checkpoint must hold for a resumed run to be bit-identical to one that never stopped: every
/// trainable weight (<c>param/NAME</c>), AdamW's moments of each (<c>exp_avg/NAME</c>, <c>exp_avg_sq/NAME</c>; its
/// step counts go in <see cref="CheckpointState.AdamSteps"/>) and the torch default generator (<c>rng/torch</c>,
/// which LoRA dropout and classifier dropout draw from). The data order needs no state: <see cref="BatchOrder"/> is a
/// pure function of the seed and the step. <paramref name="accumulators"/> (<c>diag/NAME</c>): the diagnostics summed
/// since the last log_every step, so a resumed run logs the same values.
/// </summary>
internal sealed class TrainableState(IReadOnlyList<(string Name, Parameter Parameter)> trainable,
    LoraOptimizer optimizer, IReadOnlyList<(string Name, Tensor Tensor)> accumulators)
{
    const string RngKey = "rng/torch";

    /// <summary>LoRA factors by layer path (<c>query.lora_A.weight</c>) and head parameters by model name.</summary>
    public static List<(string Name, Parameter Parameter)> Name(IReadOnlyList<AdaptedLayer> layers,
        IReadOnlyList<(string Name, Parameter Parameter)> head) =>
        layers.SelectMany(l => new[] { ($"{l.Path}.lora_A.weight", l.Layer.LoraA),
                                      ($"{l.Path}.lora_B.weight", l.Layer.LoraB) })
              .Concat(head).ToList();

    /// <summary>Views of the live tensors (the writer copies them out; nothing here needs disposing by the caller
    /// beyond the current scope).</summary>
    public Dictionary<string, Tensor> Tensors()
    {
        var tensors = new Dictionary<string, Tensor> { [RngKey] = torch.get_rng_state() };
        foreach (var (name, t) in accumulators) tensors["diag/" + name] = t;
        foreach (var (name, p) in trainable)
        {
            tensors["param/" + name] = p.detach();
            if (optimizer.StateOf(p) is not { } s) continue;
            tensors["exp_avg/" + name] = s.exp_avg;
            tensors["exp_avg_sq/" + name] = s.exp_avg_sq;
        }
        return tensors;
    }

    public Dictionary<string, long> AdamSteps() =>
        trainable.Where(t => optimizer.StateOf(t.Parameter) is not null)
                 .ToDictionary(t => t.Name, t => optimizer.StateOf(t.Parameter)!.step);

    /// <summary>Throws a one-line <see cref="LoraLabException"/> when <paramref name="tensors"/> do not fit this run
    /// (another model, rank, target set or optimizer grouping).</summary>
    public void Check(CheckpointState state, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var expected = Tensors();
        foreach (var (key, live) in expected)
        {
            if (!tensors.TryGetValue(key, out var saved))
                throw new LoraLabException($"checkpoint lacks tensor '{key}'");
            if (!saved.shape.SequenceEqual(live.shape) || saved.dtype != live.dtype)
                throw new LoraLabException($"checkpoint tensor '{key}' is " +
                                           $"{saved.dtype}[{string.Join(",", saved.shape)}], this run has " +
                                           $"{live.dtype}[{string.Join(",", live.shape)}]");
        }
        foreach (var key in tensors.Keys.Where(k => !expected.ContainsKey(k)))
            throw new LoraLabException($"checkpoint has tensor '{key}' that this run does not train");
        foreach (var (name, p) in trainable)
            if (optimizer.StateOf(p) is not null && state.AdamSteps.GetValueOrDefault(name, -1) < 0)
                throw new LoraLabException($"checkpoint lacks the AdamW step count of '{name}'");
    }

    /// <summary>Copies weights, moments, step counts and the RNG state back (after <see cref="Check"/>).</summary>
    public void Restore(CheckpointState state, IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in trainable)
        {
            p.copy_(tensors["param/" + name]);
            if (optimizer.StateOf(p) is not { } s) continue;
            s.exp_avg.copy_(tensors["exp_avg/" + name]);
            s.exp_avg_sq.copy_(tensors["exp_avg_sq/" + name]);
            s.step = state.AdamSteps[name];
        }
        foreach (var (name, t) in accumulators) t.copy_(tensors["diag/" + name]);
        torch.set_rng_state(tensors[RngKey]);
    }
}
