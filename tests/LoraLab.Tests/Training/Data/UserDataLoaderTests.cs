using LoraLab.Tests.IO.Safetensors;
using LoraLab.Training.Data;
using LoraLab.Training.Recipes;
using Parquet.Schema;
using Parquet.Serialization;

namespace LoraLab.Tests.Training.Data;

public sealed class UserDataLoaderTests
{
    [Fact]
    public async Task Classification_FromParquet_IntegerLabels_RowPositions()
    {
        using var dir = new TempDirectory();
        var schema = new ParquetSchema(new DataField<string>("sentence"), new DataField<long>("label"));
        var rows = new List<IDictionary<string, object?>>();
        for (var i = 0; i < 10; i++)
            rows.Add(new Dictionary<string, object?> { ["sentence"] = $"s {i}", ["label"] = (long)(i % 2) * 4 });
        rows.Add(new Dictionary<string, object?> { ["sentence"] = " ", ["label"] = 0L });         // row 11: empty text
        await using (var stream = File.Create(dir.File("x.parquet")))
            await ParquetSerializer.SerializeUntypedAsync(rows, schema, stream);
        var spec = new DataSpec { TextColumn = "sentence", MaxBadFraction = 0.1 };

        var (train, eval, reports, labels) = UserDataLoader.ReadClassification(spec, dir.File("x.parquet"), null);

        Assert.Equal(["0", "4"], labels.Labels);
        Assert.Equal(10, train.Count + eval.Count);
        Assert.All(train.Concat(eval), e => Assert.Equal(e.Line % 2 == 0 ? 1 : 0, e.Label));   // row n holds i = n - 1
        Assert.Equal($"{dir.File("x.parquet")} row 11: empty text in 'sentence'",
                     reports[0].Describe().Last().Trim()["bad rows: ".Length..]);
    }

    [Fact]
    public void Documents_FromJsonlTextColumn_SplitByRows()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("x.jsonl"), Enumerable.Range(0, 10).Select(i => $"{{\"text\": \"doc {i}\"}}"));

        var spec = new DataSpec { TrainFraction = 0.7 };
        var (train, eval, _, _, split) = UserDataLoader.ReadDocuments(spec, dir.File("x.jsonl"), null);

        Assert.Equal(7, train.Count);
        Assert.Equal(3, eval.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"doc {i}"), train.Concat(eval).Order());
        Assert.Contains("70 % train", split.TrainNote);
    }

    [Fact]
    public void Instruct_MissingOutputAndBadJson_AreBadRows_DroppedExamplesCounted()
    {
        using var dir = new TempDirectory();
        var lines = Enumerable.Range(0, 8)
            .Select(i => $"{{\"instruction\": \"say {i}\", \"output\": \"{i}\"}}").ToList();
        lines.Add("{\"instruction\": \"no output\"}");
        lines.Add("{broken");
        File.WriteAllLines(dir.File("x.jsonl"), lines);
        var spec = new DataSpec { MaxBadFraction = 0.2 };

        var (train, eval, reports) = UserDataLoader.ReadFormatted<InstructionRecord>(spec, dir.File("x.jsonl"), null,
            InstructionFormatter.TryParse, InstructionFormatter.Segments, new CharTokenizer(), 10_000, "alpaca");

        Assert.Equal(8, train.Count + eval.Count);
        Assert.Equal([9, 10], reports[0].FirstBadRows.Select(r => r.Line));
        Assert.Equal("missing column 'output'", reports[0].FirstBadRows[0].Reason);
        Assert.StartsWith("malformed JSON", reports[0].FirstBadRows[1].Reason);
        Assert.All(train, e => Assert.Equal(2, e.LossTokens));                 // one digit + EOS
    }
}
