using System.Globalization;

namespace LoraLab.Training.Data;

/// <summary>A malformed input row: its 1-based line number in the file and what is wrong with it.</summary>
public sealed record BadRow(int Line, string Reason);

/// <summary>
/// What a loader read from one file and what it made of it: rows, malformed rows (counted, the first few listed with
/// line numbers, never dropped silently), label counts or token counts, and how a split was made. Printed by the
/// recipe and stored in result.json.
/// </summary>
public sealed record DatasetLoadReport
{
    /// <summary>The file read.</summary>
    public string Source { get; init; } = "";
    /// <summary>"train" or "eval" (what the recipe uses it for).</summary>
    public string Role { get; init; } = "";
    /// <summary>Data rows (or documents) seen, header excluded.</summary>
    public int RowsRead { get; init; }
    /// <summary>Examples kept after dropping bad rows and before any split.</summary>
    public int RowsKept { get; init; }
    public int BadRowCount { get; init; }
    /// <summary>How bad-row positions count: "line" (text files) or "row" (Parquet).</summary>
    public string BadRowUnit { get; init; } = "line";
    /// <summary>The first <see cref="BadRowLog.MaxListed"/> bad rows.</summary>
    public IReadOnlyList<BadRow> FirstBadRows { get; init; } = [];
    /// <summary>Examples per label string (classification).</summary>
    public Dictionary<string, int> LabelCounts { get; init; } = [];
    /// <summary>Tokens in the stream (language modelling).</summary>
    public long? Tokens { get; init; }
    /// <summary>Examples after the split / blocking (what the recipe iterates over).</summary>
    public int Examples { get; init; }
    /// <summary>How this part was obtained (e.g. "seeded 80/20 split of dev.tsv, seed 0, first part").</summary>
    public string Note { get; init; } = "";

    /// <summary>One or two lines for the log.</summary>
    public IEnumerable<string> Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var labels = LabelCounts.Count == 0
            ? ""
            : " labels " + string.Join(" ", LabelCounts.Select(kv => $"{kv.Key}:{kv.Value}"));
        var tokens = Tokens is { } t ? string.Format(c, " tokens {0:N0}", t) : "";
        yield return string.Format(c, "data {0,-5} {1}: {2:N0} rows, {3:N0} kept, {4} bad;{5}{6} -> {7:N0} examples{8}",
            Role, Source, RowsRead, RowsKept, BadRowCount, labels, tokens, Examples,
            Note.Length > 0 ? $" ({Note})" : "");
        if (BadRowCount > 0)
            yield return $"  bad rows: {BadRowLog.Format(Source, BadRowUnit, FirstBadRows, BadRowCount)}";
    }
}
