using LoraLab.IO;

namespace LoraLab.Training.Data;

/// <summary>Reads a data file of any <see cref="DataFormat"/> except plain text into a <see cref="DataTable"/>.
/// </summary>
internal static class DataFileReader
{
    public static DataTable Read(string path, DataFormat format = DataFormat.Auto)
    {
        if (!File.Exists(path)) throw new LoraLabException($"data file not found: {path}", ExitCodes.BadInput);
        return DataFormats.Resolve(format, path) switch
        {
            DataFormat.Csv => DelimitedTextReader.Read(path, ','),
            DataFormat.Tsv => DelimitedTextReader.Read(path, '\t'),
            DataFormat.Jsonl => JsonRecordReader.ReadLines(path),
            DataFormat.Json => JsonRecordReader.ReadArray(path),
            DataFormat.Parquet => ParquetRecordReader.Read(path),
            DataFormat.Text => throw new LoraLabException(
                $"{path}: plain text has no columns; it is read as a corpus by task lm only", ExitCodes.Usage),
            DataFormat.Auto => throw new InvalidOperationException("Resolve returned auto"),
        };
    }
}
