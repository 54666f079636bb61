using LoraLab.IO;

namespace LoraLab.Core.Adapters;

/// <summary>
/// What differs between the tensors a model expects from an adapter and those a file holds (PyTorch's
/// <c>load_state_dict</c> missing/unexpected keys, plus shape mismatches). Lists are in ordinal order.
/// </summary>
internal sealed record AdapterMismatch(
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<AdapterShapeMismatch> ShapeMismatches)
{
    const int Shown = 3;

    public bool IsEmpty => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatches.Count == 0;

    /// <summary>Compares expected {name → shape} with found {name → shape}.</summary>
    public static AdapterMismatch Compare(IReadOnlyDictionary<string, long[]> expected,
        IReadOnlyDictionary<string, long[]> found)
    {
        var missing = expected.Keys.Where(k => !found.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = found.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var shapes = expected
            .Where(p => found.TryGetValue(p.Key, out var f) && !f.SequenceEqual(p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new AdapterShapeMismatch(p.Key, p.Value, found[p.Key]))
            .ToList();
        return new AdapterMismatch(missing, unexpected, shapes);
    }

    /// <summary>One line: "source: 2 missing (a, b), 1 unexpected (c), 1 shape mismatch (d: expected [8,64], found
    /// [4,64])", at most <see cref="Shown"/> names per list; "source: tensors match" when empty.</summary>
    public string Summary(string source)
    {
        if (IsEmpty) return $"{source}: tensors match";
        var parts = new List<string>();
        if (Missing.Count > 0) parts.Add($"{Missing.Count} missing ({List(Missing)})");
        if (Unexpected.Count > 0) parts.Add($"{Unexpected.Count} unexpected ({List(Unexpected)})");
        if (ShapeMismatches.Count > 0)
        {
            var noun = ShapeMismatches.Count == 1 ? "shape mismatch" : "shape mismatches";
            parts.Add($"{ShapeMismatches.Count} {noun} ({List(ShapeMismatches.Select(m => m.ToString()).ToList())})");
        }
        return $"{source}: {string.Join(", ", parts)}";
    }

    /// <summary>Throws a <see cref="LoraLabException"/> with <see cref="Summary"/> unless empty.</summary>
    public void ThrowIfAny(string source)
    {
        if (!IsEmpty) throw new LoraLabException(Summary(source), ExitCodes.BadInput);
    }

    static string List(IReadOnlyList<string> items)
    {
        var shown = string.Join(", ", items.Take(Shown).Select(OneLine));
        return items.Count > Shown ? $"{shown}, +{items.Count - Shown} more" : shown;
    }

    static string OneLine(string text) => text.ReplaceLineEndings("\\n");
}
