namespace LoraLab.IO.Safetensors;

/// <summary>
/// A validated safetensors header: the tensors in file (offset) order, the <c>__metadata__</c> map (empty when
/// absent) and the file offset where the data buffer starts (8 + header length).
/// </summary>
public sealed record SafetensorsHeader(
    IReadOnlyList<SafetensorsEntry> Entries,
    IReadOnlyDictionary<string, string> Metadata,
    long DataStart)
{
    /// <summary>Length of the data buffer: the entries tile it from 0 to the last END.</summary>
    public long DataLength => Entries.Count == 0 ? 0 : Entries.Max(e => e.End);

    /// <summary>The file size this header implies (validated equal to the real size when read).</summary>
    public long FileLength => DataStart + DataLength;

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public SafetensorsEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);
}
