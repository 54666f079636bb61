using LoraLab.IO;
using LoraLab.Training.Data;

namespace LoraLab.Tests.Training;

public sealed class GlueTsvReaderTests
{
    public static TheoryData<string, string, int, int, int> Files => new()
    {
        // file, format, rows, label-0 count, label-1 count (data/SOURCES.md §3)
        { "sst2/glue_dev.tsv", "sst2", 872, 428, 444 },
        { "sst2/valid.tsv", "sst2", 6735, 2994, 3741 },
        { "cola/dev.tsv", "cola", 1043, 322, 721 },
        { "cola/train.tsv", "cola", 8551, 2528, 6023 },
        { "mrpc/dev.tsv", "mrpc", 408, 129, 279 },
        { "mrpc/train.tsv", "mrpc", 3668, 1194, 2474 },
        { "qnli/dev.tsv", "qnli", 5463, 2702, 2761 },
        { "rte/dev.tsv", "rte", 277, 146, 131 },
    };

    static TsvFormat Format(string name) => name switch
    {
        "sst2" => TsvFormat.Sst2, "cola" => TsvFormat.Cola, "mrpc" => TsvFormat.Mrpc, "qnli" => TsvFormat.Qnli, "rte" =>
            TsvFormat.Rte,
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Read_RepoFile_CountsMatchSources(string file, string format, int rows, int label0, int label1)
    {
        var (examples, report) = GlueTsvReader.Read(RepoPaths.Data(file), Format(format), BadRowPolicy.Error);

        Assert.Equal(rows, examples.Count);
        Assert.Equal(rows, report.RowsRead);
        Assert.Equal(0, report.BadRowCount);
        Assert.Equal(label0, examples.Count(e => e.Label == 0));
        Assert.Equal(label1, examples.Count(e => e.Label == 1));
        Assert.Equal(Format(format).PairColumn is not null, examples.All(e => e.Pair is not null));
    }

    [Fact]
    public void Read_MrpcWithBom_FirstExampleIsClean()
    {
        var (examples, _) = GlueTsvReader.Read(RepoPaths.Data("mrpc/dev.tsv"), TsvFormat.Mrpc, BadRowPolicy.Error);

        Assert.Equal(2, examples[0].Line);                      // line 1 is the header, after the BOM
        Assert.DoesNotContain('\uFEFF', examples[0].Text);
    }

    [Fact]
    public void Read_QuotesInFields_KeptVerbatim()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("q.tsv"), "sentence\tlabel\n\"a quoted\" start \t1\nno \"closing quote\t0\n");

        var (examples, _) = GlueTsvReader.Read(dir.File("q.tsv"), TsvFormat.Sst2, BadRowPolicy.Error);

        Assert.Equal(["\"a quoted\" start ", "no \"closing quote"], examples.Select(e => e.Text));
    }

    [Fact]
    public void Read_MalformedRowsSkipped_ReportedWithLineNumbers()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.tsv"), "sentence\tlabel\ngood\t1\ntoo\tmany\t1\nbad label\t2\n\nfine\t0\n");

        var (examples, report) = GlueTsvReader.Read(dir.File("bad.tsv"), TsvFormat.Sst2, BadRowPolicy.Skip);

        Assert.Equal(["good", "fine"], examples.Select(e => e.Text));
        Assert.Equal(5, report.RowsRead);
        Assert.Equal(3, report.BadRowCount);
        Assert.Equal([3, 4, 5], report.FirstBadRows.Select(r => r.Line));
        Assert.Contains("expected 2 columns, got 3", report.FirstBadRows[0].Reason);
        Assert.Contains("unknown label '2'", report.FirstBadRows[1].Reason);
        Assert.Contains(report.Describe(), l => l.Contains("bad.tsv:3: expected") && l.Contains("bad.tsv:4: unknown"));
    }

    [Fact]
    public void Read_MalformedRowsUnderErrorPolicy_ThrowWithCountAndFirstLines()
    {
        using var dir = new TempDirectory();
        var rows = Enumerable.Range(0, 12).Select(i => $"row {i}\tx");
        File.WriteAllText(dir.File("bad.tsv"), "sentence\tlabel\nok\t1\n" + string.Join("\n", rows) + "\n");

        var ex = Assert.Throws<LoraLabException>(
            () => GlueTsvReader.Read(dir.File("bad.tsv"), TsvFormat.Sst2, BadRowPolicy.Error));

        Assert.Contains("12 malformed row(s)", ex.Message);
        Assert.Contains("bad.tsv:3: unknown label 'x'", ex.Message);
        Assert.Contains("and 2 more", ex.Message);
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
    }

    [Fact]
    public void Read_WrongHeader_IsAnError()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("h.tsv"), "text\tlabel\nx\t1\n");

        var ex = Assert.Throws<LoraLabException>(
            () => GlueTsvReader.Read(dir.File("h.tsv"), TsvFormat.Sst2, BadRowPolicy.Skip));

        Assert.Contains("line 1 should be the header", ex.Message);
    }
}
