using static LoraLab.IO.Safetensors.SafetensorsErrors;

namespace LoraLab.IO.Safetensors;

/// <summary>
/// Checks that the tensors tile the data buffer (huggingface/safetensors <c>Metadata::validate</c>): every range
/// lies inside the bytes the file really has, and sorted by (BEGIN, END) the ranges run contiguously from 0 to the
/// end of the file, with no hole, no overlap and no trailing bytes.
/// </summary>
internal static class SafetensorsLayout
{
    /// <summary>Returns the entries in offset order; <paramref name="available"/> = file length − 8 − header
    /// length.</summary>
    public static List<SafetensorsEntry> Validate(List<SafetensorsEntry> entries, long available, string file)
    {
        foreach (var e in entries)
        {
            if (e.End > available)
                throw Fail(file, $"tensor {Quote(e.Name)} data_offsets [{e.Begin},{e.End}] lie beyond the end of the "
                                 + $"data buffer ({available} bytes; file truncated?)");
        }
        var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long cursor = 0;
        SafetensorsEntry? previous = null;
        foreach (var e in ordered)
        {
            if (e.Begin > cursor)
                throw Fail(file, $"hole of {e.Begin - cursor} bytes in the data buffer before tensor {Quote(e.Name)} "
                                 + $"(at offset {cursor})");
            if (e.Begin < cursor)
                throw Fail(file, $"tensor {Quote(e.Name)} data_offsets [{e.Begin},{e.End}] overlap tensor "
                                 + $"{Quote(previous!.Name)} [{previous.Begin},{previous.End}]");
            cursor = e.End;
            if (e.End > e.Begin) previous = e;
        }
        if (cursor < available)
            throw Fail(file, $"{available - cursor} trailing bytes after the data buffer "
                             + $"(tensors end at offset {cursor}, file has {available} data bytes)");
        return ordered;
    }
}
