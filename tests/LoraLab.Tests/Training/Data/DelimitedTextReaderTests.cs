using LoraLab.IO;
using LoraLab.Tests.IO.Safetensors;
using LoraLab.Training.Data;

namespace LoraLab.Tests.Training.Data;

public sealed class DelimitedTextReaderTests
{
    static DataTable ReadCsv(TempDirectory dir, string text, char delimiter = ',', string name = "x.csv")
    {
        File.WriteAllText(dir.File(name), text);
        return DelimitedTextReader.Read(dir.File(name), delimiter);
    }

    static string Field(DataRecord r, string column) => r.Fields![column]!.GetValue<string>();

    [Fact]
    public void Read_Rfc4180Quoting_CommasQuotesNewlinesKept()
    {
        using var dir = new TempDirectory();
        var table = ReadCsv(dir,
            "\uFEFFtext,label\r\n" +
            "\"a, b\",1\r\n" +                        // delimiter inside quotes
            "\"she said \"\"hi\"\"\",0\r\n" +          // doubled quotes
            "\"two\nlines\",1\n" +                     // embedded newline: one record on lines 4-5
            "plain \"inner\" quote,0\n" +              // a quote inside an unquoted field stays
            "\n" +                                     // blank line skipped
            "\"\",1\n" +                               // quoted empty field
            "last,0");                                 // no final newline

        Assert.Equal(["text", "label"], table.Columns);
        Assert.Equal(["a, b", "she said \"hi\"", "two\nlines", "plain \"inner\" quote", "", "last"],
                     table.Records.Select(r => Field(r, "text")));
        Assert.Equal([2, 3, 4, 6, 8, 9], table.Records.Select(r => r.Line));
        Assert.All(table.Records, r => Assert.Null(r.Error));
    }

    [Fact]
    public void Read_WrongFieldCountAndTextAfterQuote_AreBadRowsAtTheirLines()
    {
        using var dir = new TempDirectory();
        var table = ReadCsv(dir, "text,label\n\"multi\nline\",1\nthree,fields,0\n\"closed\"junk,1\nok,0\n");

        Assert.Equal([2, 4, 5, 6], table.Records.Select(r => r.Line));
        Assert.Null(table.Records[0].Error);
        Assert.Equal("expected 2 fields, got 3", table.Records[1].Error);
        Assert.Equal("text after the closing quote of field 1", table.Records[2].Error);
        Assert.Equal("ok", Field(table.Records[3], "text"));
    }

    [Fact]
    public void Read_Tsv_SameQuotingWithTabs()
    {
        using var dir = new TempDirectory();
        var table = ReadCsv(dir, "text\tlabel\n\"tab\there\"\tpos\nno quotes, commas ok\tneg\n", '\t', "x.tsv");

        Assert.Equal(["tab\there", "no quotes, commas ok"], table.Records.Select(r => Field(r, "text")));
        Assert.Equal(DataFormat.Tsv, table.Format);
    }

    [Theory]
    [InlineData("text,label\nok,1\n\"never closed,1\nmore,0\n",
                "x.csv:3: quoted field opened on this line is never closed")]
    [InlineData("text,text\na,b\n", "x.csv:1: header names column 'text' twice")]
    [InlineData("text,\na,b\n", "x.csv:1: header column 2 has no name")]
    [InlineData("", "x.csv:1: expected a header row")]
    public void Read_FileLevelProblems_OneLineErrorWithFileAndLine(string text, string expected)
    {
        using var dir = new TempDirectory();

        var ex = Assert.Throws<LoraLabException>(() => ReadCsv(dir, text));

        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
    }

    [Fact]
    public void Read_InvalidUtf8_IsAnError()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("x.csv"), [.. "text,label\n"u8, 0xC3, 0x28, (byte)',', (byte)'1', (byte)'\n']);

        var ex = Assert.Throws<LoraLabException>(() => DelimitedTextReader.Read(dir.File("x.csv"), ','));

        Assert.Contains("not valid UTF-8", ex.Message);
    }
}
