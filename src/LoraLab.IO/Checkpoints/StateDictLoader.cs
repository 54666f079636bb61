using static TorchSharp.torch;

namespace LoraLab.IO.Checkpoints;

/// <summary>
/// Copies named tensors into a module's parameters, strictly: every key the module has must be given, no extra key
/// may be given, and shapes must match. Any mismatch is a one-line <see cref="LoraLabException"/> naming the source.
/// </summary>
public static class StateDictLoader
{
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !weights.ContainsKey(k)).ToList();
        if (missing.Count > 0) throw new LoraLabException($"{source}: missing tensor(s) {Preview(missing)}");
        var unexpected = weights.Keys.Where(k => !target.ContainsKey(k)).ToList();
        if (unexpected.Count > 0) throw new LoraLabException($"{source}: unexpected tensor(s) {Preview(unexpected)}");
        using var noGrad = no_grad();
        foreach (var (name, parameter) in target)
        {
            var value = weights[name];
            if (!value.shape.SequenceEqual(parameter.shape))
                throw new LoraLabException(
                    $"{source}: {name} has shape [{string.Join(", ", value.shape)}], " +
                    $"model expects [{string.Join(", ", parameter.shape)}]");
            parameter.copy_(value);
        }
    }

    private static string Preview(IReadOnlyList<string> keys) =>
        string.Join(", ", keys.Take(5)) + (keys.Count > 5 ? $" and {keys.Count - 5} more" : "");
}
