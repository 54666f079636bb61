using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.Tests.IO.Safetensors;
using LoraLab.Training.Data;
using Parquet.Schema;
using Parquet.Serialization;

namespace LoraLab.Tests.Training.Data;

public sealed class ParquetRecordReaderTests
{
    static string Fixture(string name) => RepoPaths.Fixture(Path.Combine("parquet", name));

    [Fact]
    public void Read_ImpalaFile_UnannotatedStringsAndIds()
    {
        // Written by Impala 1.3 (apache/parquet-testing data/alltypes_plain.parquet): 8 rows, strings as plain
        // BYTE_ARRAY.
        var table = ParquetRecordReader.Read(Fixture("alltypes_plain.parquet"));

        Assert.Equal("row", table.Unit);
        Assert.Equal(Enumerable.Range(1, 8), table.Records.Select(r => r.Line));
        Assert.Equal([4L, 5, 6, 7, 2, 3, 0, 1], table.Records.Select(r => r.Fields!["id"]!.GetValue<long>()));
        Assert.Equal(["0", "1", "0", "1", "0", "1", "0", "1"],
                     table.Records.Select(r => r.Fields!["string_col"]!.GetValue<string>()));
        Assert.Equal(["03/01/09", "03/01/09", "04/01/09", "04/01/09", "02/01/09", "02/01/09", "01/01/09", "01/01/09"],
                     table.Records.Select(r => r.Fields!["date_string_col"]!.GetValue<string>()));
        Assert.Equal([true, false, true, false, true, false, true, false],
                     table.Records.Select(r => r.Fields!["bool_col"]!.GetValue<bool>()));
    }

    [Fact]
    public void Read_PyarrowFile_ListsWithNulls()
    {
        // Written by pyarrow 0.15.1 (data/list_columns.parquet). DataFusion's parquet_list_columns test expects
        // int64_list [1,2,3], [null,1], [4] and utf8_list [abc,efg,hij], null, [efg,null,hij,xyz]. Parquet.Net's
        // untyped reader drops null list elements ([null,1] reads as [1]); this test pins that known limitation
        // (README "Your own data") so that a Parquet.Net update that fixes it is noticed.
        var table = ParquetRecordReader.Read(Fixture("list_columns.parquet"));

        Assert.Equal(["int64_list", "utf8_list"], table.Columns);
        Assert.Equal(["[1,2,3]", "[1]", "[4]"], table.Records.Select(r => r.Fields!["int64_list"]!.ToJsonString()));
        Assert.Equal("[\"abc\",\"efg\",\"hij\"]", table.Records[0].Fields!["utf8_list"]!.ToJsonString());
        Assert.Null(table.Records[1].Fields!["utf8_list"]);
        Assert.Equal("[\"efg\",\"hij\",\"xyz\"]", table.Records[2].Fields!["utf8_list"]!.ToJsonString());
    }

    [Fact]
    public async Task Read_ChatAndLabelColumnsWrittenByParquetNet_RoundTrip()
    {
        using var dir = new TempDirectory();
        var schema = new ParquetSchema(
            new DataField<string>("text"), new DataField<long>("label"),
            new ListField("messages",
                new StructField("element", new DataField<string>("role"), new DataField<string>("content"))));
        var rows = new List<IDictionary<string, object?>>
        {
            Row("good \"film\", truly", 1, ("user", "hi"), ("assistant", "hello")),
            Row("bad", 0, ("system", "be brief"), ("user", "q"), ("assistant", "a")),
        };
        await using (var stream = File.Create(dir.File("x.parquet")))
            await ParquetSerializer.SerializeUntypedAsync(rows, schema, stream);

        var table = DataFileReader.Read(dir.File("x.parquet"));

        Assert.Equal(DataFormat.Parquet, table.Format);
        Assert.Equal("good \"film\", truly", table.Records[0].Fields!["text"]!.GetValue<string>());
        Assert.Equal(0, table.Records[1].Fields!["label"]!.GetValue<long>());
        Assert.Equal("[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"q\"}," +
                     "{\"role\":\"assistant\",\"content\":\"a\"}]",
                     table.Records[1].Fields!["messages"]!.ToJsonString());
    }

    static Dictionary<string, object?> Row(string text, long label, params (string Role, string Content)[] messages) =>
        new()
    {
        ["text"] = text, ["label"] = label,
        ["messages"] = messages.Select(m => (IDictionary<string, object>)new Dictionary<string, object>
            { ["role"] = m.Role, ["content"] = m.Content }).ToList(),
    };

    [Theory]
    [InlineData(0.5)]     // truncated: the footer is gone
    [InlineData(-1.0)]    // not Parquet at all
    public void Read_CorruptFile_OneLineError(double keep)
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(Fixture("alltypes_plain.parquet"));
        File.WriteAllBytes(dir.File("bad.parquet"),
                           keep > 0 ? bytes[..(int)(bytes.Length * keep)] : "text,label\nx,1\n"u8.ToArray());

        var ex = Assert.Throws<LoraLabException>(() => ParquetRecordReader.Read(dir.File("bad.parquet")));

        Assert.StartsWith($"{dir.File("bad.parquet")}: not a readable Parquet file", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
    }
}
