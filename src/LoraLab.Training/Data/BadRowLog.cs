using LoraLab.Core;

namespace LoraLab.Training.Data;

/// <summary>Collects malformed rows while a file is read and applies the <see cref="BadRowPolicy"/> at the end.</summary>
internal sealed class BadRowLog(string source, BadRowPolicy policy)
{
    public const int MaxListed = 10;
    readonly List<BadRow> _first = [];

    public int Count { get; private set; }
    public IReadOnlyList<BadRow> First => _first;

    public void Add(int line, string reason)
    {
        Count++;
        if (_first.Count < MaxListed) _first.Add(new BadRow(line, reason));
    }

    /// <summary>Throws under <see cref="BadRowPolicy.Error"/> when any row was bad (after the whole file was read, so
    /// the message gives the full count).</summary>
    public void ThrowIfNeeded()
    {
        if (Count > 0 && policy == BadRowPolicy.Error)
            throw new LoraLabException(
                $"{source}: {Count} malformed row(s): {Format(_first, Count)} (set data.on_bad_rows=skip to leave them out)",
                ExitCodes.BadInput);
    }

    public static string Format(IReadOnlyList<BadRow> first, int count) =>
        string.Join("; ", first.Select(r => $"line {r.Line}: {r.Reason}")) + (count > first.Count ? $"; ... and {count - first.Count} more" : "");
}
