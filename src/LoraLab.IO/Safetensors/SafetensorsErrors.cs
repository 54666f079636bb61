using System.Text;

namespace LoraLab.IO.Safetensors;

/// <summary>
/// The one-line <see cref="LoraLabException"/>s of the safetensors reader: "file: problem", with names quoted and
/// escaped (a tensor name may hold a newline) and long names or shapes shortened, so a message stays one short line.
/// </summary>
internal static class SafetensorsErrors
{
    const int MaxNameChars = 120;
    const int MaxShapeDims = 12;

    public static LoraLabException Fail(string file, string problem) => new($"{file}: {problem}", ExitCodes.BadInput);

    public static LoraLabException Fail(string file, string problem, Exception inner) =>
        new($"{file}: {problem}", ExitCodes.BadInput, inner);

    /// <summary>'name', with control characters escaped and the middle of very long names elided.</summary>
    public static string Quote(string name)
    {
        var sb = new StringBuilder("'");
        var text = name.Length <= MaxNameChars ? name : name[..(MaxNameChars / 2)] + "…" + name[^(MaxNameChars / 2)..];
        foreach (var c in text)
        {
            if (char.IsControl(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        return sb.Append('\'').ToString();
    }

    /// <summary>[d0,d1,...], at most <see cref="MaxShapeDims"/> dimensions shown.</summary>
    public static string Shape(IReadOnlyList<long> shape)
    {
        if (shape.Count <= MaxShapeDims) return $"[{string.Join(",", shape)}]";
        return $"[{string.Join(",", shape.Take(MaxShapeDims))},… ({shape.Count} dims)]";
    }
}
