using System.Globalization;
using LoraLab.IO;

namespace LoraLab.Training.Data;

/// <summary>
/// Collects malformed rows while a file is read and applies the <see cref="BadRowPolicy"/> at the end: under
/// <see cref="BadRowPolicy.Error"/> any bad row stops the run; under <see cref="BadRowPolicy.Skip"/> the run stops
/// only when more than <paramref name="maxBadFraction"/> of the rows are bad. Positions are written file:line
/// (file row N for Parquet, <paramref name="unit"/> "row").
/// </summary>
internal sealed class BadRowLog(string source, BadRowPolicy policy, double maxBadFraction = 1.0, string unit = "line")
{
    public const int MaxListed = 10;
    readonly List<BadRow> _first = [];

    public int Count { get; private set; }
    public IReadOnlyList<BadRow> First => _first;
    public string Unit => unit;

    public void Add(int line, string reason)
    {
        Count++;
        if (_first.Count < MaxListed) _first.Add(new BadRow(line, reason));
    }

    /// <summary>Throws when the policy says so (after the whole file was read, so the message gives the full count).
    /// </summary>
    public void ThrowIfNeeded(int rows)
    {
        if (Count == 0) return;
        var c = CultureInfo.InvariantCulture;
        if (policy == BadRowPolicy.Error)
            throw new LoraLabException(
                $"{source}: {Count} malformed row(s): {Format(source, unit, _first, Count)} " +
                "(set data.on_bad_rows=skip to leave them out)", ExitCodes.BadInput);
        if (Count > maxBadFraction * rows)
            throw new LoraLabException(string.Format(c,
                "{0}: {1} of {2} rows are bad ({3:0.#%}, more than data.max_bad_fraction {4:0.#%}): {5}",
                source, Count, rows, (double)Count / Math.Max(1, rows), maxBadFraction,
                Format(source, unit, _first, Count)),
                ExitCodes.BadInput);
    }

    /// <summary>"x.csv:3: empty text; x.csv:7: ..." (or "x.parquet row 3: ...").</summary>
    public static string Format(string source, string unit, IReadOnlyList<BadRow> first, int count) =>
        string.Join("; ", first.Select(r => $"{Position(source, unit, r.Line)}: {r.Reason}")) +
        (count > first.Count ? $"; ... and {count - first.Count} more" : "");

    public static string Position(string source, string unit, int line) =>
        unit == "line" ? $"{source}:{line}" : $"{source} {unit} {line}";
}
