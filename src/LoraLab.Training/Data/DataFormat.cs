using LoraLab.IO;

namespace LoraLab.Training.Data;

/// <summary>How a data file is read (JSON: "auto", "csv", ...); <see cref="Auto"/> goes by the extension.</summary>
public enum DataFormat
{
    /// <summary>By extension: .csv, .tsv, .jsonl/.ndjson, .json, .parquet, .txt.</summary>
    Auto,
    /// <summary>Comma-separated with a header row, RFC 4180 quoting.</summary>
    Csv,
    /// <summary>Tab-separated with a header row, the same quoting rules as <see cref="Csv"/>.</summary>
    Tsv,
    /// <summary>One JSON object per line.</summary>
    Jsonl,
    /// <summary>One JSON array of objects.</summary>
    Json,
    /// <summary>Apache Parquet (what the Hugging Face Hub serves datasets as).</summary>
    Parquet,
    /// <summary>Plain text: documents separated by blank lines (language modelling only).</summary>
    Text,
}

/// <summary>Resolves <see cref="DataFormat.Auto"/> from a path.</summary>
internal static class DataFormats
{
    public static DataFormat Resolve(DataFormat format, string path)
    {
        if (format != DataFormat.Auto) return format;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => DataFormat.Csv,
            ".tsv" => DataFormat.Tsv,
            ".jsonl" or ".ndjson" => DataFormat.Jsonl,
            ".json" => DataFormat.Json,
            ".parquet" => DataFormat.Parquet,
            ".txt" => DataFormat.Text,
            var ext => throw new LoraLabException(
                $"{path}: cannot tell the data format from the extension '{ext}'; use .csv, .tsv, .jsonl, .json, " +
                ".parquet or .txt, or set data.format", ExitCodes.Usage),
        };
    }
}
