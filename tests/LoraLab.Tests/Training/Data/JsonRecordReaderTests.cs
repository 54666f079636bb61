using LoraLab.IO;
using LoraLab.Tests.IO.Safetensors;
using LoraLab.Training.Data;

namespace LoraLab.Tests.Training.Data;

public sealed class JsonRecordReaderTests
{
    [Fact]
    public void ReadLines_ObjectsKept_BadLinesCarryTheirLineAndReason()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("x.jsonl"),
            "{\"text\":\"a\",\"label\":1}\r\n\n{oops\n[1,2]\n{\"text\":\"b\",\"label\":\"pos\"}\n");

        var table = JsonRecordReader.ReadLines(dir.File("x.jsonl"));

        Assert.Equal([1, 3, 4, 5], table.Records.Select(r => r.Line));
        Assert.NotNull(table.Records[0].Fields);
        Assert.StartsWith("malformed JSON", table.Records[1].Error);
        Assert.Equal("not a JSON object (array)", table.Records[2].Error);
        Assert.Equal("pos", table.Records[3].Fields!["label"]!.GetValue<string>());
        Assert.Equal(["text", "label"], table.Columns);
    }

    [Fact]
    public void ReadArray_ElementsNumberedByTheLineTheyStartOn()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("x.json"),
            "[\n  {\"text\": \"a\",\n   \"label\": 0},\n  7,\n  {\"text\": \"b\", \"label\": 1}\n]\n");

        var table = JsonRecordReader.ReadArray(dir.File("x.json"));

        Assert.Equal([2, 4, 5], table.Records.Select(r => r.Line));
        Assert.Equal("not a JSON object (number)", table.Records[1].Error);
        Assert.Equal("b", table.Records[2].Fields!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("[\n{\"text\": \"a\"},\n{\"text\": \"b\",,}\n]", "x.json:3: malformed JSON")]
    [InlineData("[\n{\"text\": \"a\"}\n", "x.json:")]
    [InlineData("{\"text\": \"a\"}", "x.json:1: expected a JSON array of objects")]
    [InlineData("[{\"text\": \"a\"}] trailing", "x.json:1: malformed JSON")]
    public void ReadArray_Malformed_OneLineErrorWithFileAndLine(string text, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("x.json"), text);

        var ex = Assert.Throws<LoraLabException>(() => JsonRecordReader.ReadArray(dir.File("x.json")));

        Assert.StartsWith(Path.Combine(dir.Path, expected), ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
    }
}
