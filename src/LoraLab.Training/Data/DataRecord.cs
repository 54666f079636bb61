using System.Text.Json.Nodes;

namespace LoraLab.Training.Data;

/// <summary>
/// One row of a data file as named fields, whatever the file format: CSV cells become JSON strings, JSON values stay
/// as they are, Parquet values become the matching JSON values. <see cref="Line"/> is the 1-based line the row starts
/// on (the row number for Parquet). A row that could not be parsed has no fields and says why in <see cref="Error"/>.
/// </summary>
internal sealed record DataRecord(int Line, JsonObject? Fields, string? Error = null);

/// <summary>The rows of one file, with how its positions are named in messages ("line" or "row").</summary>
internal sealed record DataTable(
    string Source, DataFormat Format, IReadOnlyList<DataRecord> Records, string Unit = "line")
{
    /// <summary>The column names seen (CSV: the header; JSON: the union of object keys).</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];
}
