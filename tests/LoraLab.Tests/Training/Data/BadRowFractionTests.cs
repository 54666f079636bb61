using LoraLab.IO;
using LoraLab.Tests.IO.Safetensors;
using LoraLab.Training.Data;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training.Data;

public sealed class BadRowFractionTests
{
    static string Write(TempDirectory dir, int good, params string[] bad)
    {
        var lines = new List<string> { "text,label" };
        lines.AddRange(Enumerable.Range(0, good).Select(i => $"row {i},{i % 2}"));
        lines.AddRange(bad);
        File.WriteAllLines(dir.File("x.csv"), lines);
        return dir.File("x.csv");
    }

    [Fact]
    public void Skip_AtMostOnePercentBad_SkippedAndReported()
    {
        using var dir = new TempDirectory();
        var path = Write(dir, 199, ",1");                       // 1 of 200 = 0.5 %: empty text on line 201

        var (train, eval, reports, _) = UserDataLoader.ReadClassification(new DataSpec(), path, null);

        Assert.Equal(199, train.Count + eval.Count);
        Assert.Equal(1, reports[0].BadRowCount);
        Assert.Contains(reports[0].Describe(), l => l.Contains($"{path}:201: empty text in 'text'"));
    }

    [Fact]
    public void Skip_MoreThanOnePercentBad_StopsWithOneLine()
    {
        using var dir = new TempDirectory();
        var path = Write(dir, 97, ",1", "x", "\"unterminated\"junk,0");   // 3 of 100

        var ex = Assert.Throws<LoraLabException>(() => UserDataLoader.ReadClassification(new DataSpec(), path, null));

        Assert.Equal(
            $"{path}: 3 of 100 rows are bad (3%, more than data.max_bad_fraction 1%): " +
            $"{path}:99: empty text in 'text'; " +
            $"{path}:100: expected 2 fields, got 1; {path}:101: text after the closing quote of field 1", ex.Message);
        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
    }

    [Fact]
    public void Error_AnyBadRowStops()
    {
        using var dir = new TempDirectory();
        var path = Write(dir, 199, "only,");

        var ex = Assert.Throws<LoraLabException>(() =>
            UserDataLoader.ReadClassification(new DataSpec { OnBadRows = BadRowPolicy.Error }, path, null));

        Assert.Contains($"{path}:201: empty label in 'label'", ex.Message);
    }

    [Fact]
    public void Parquet_PositionsAreRows()
    {
        Assert.Equal("x.parquet row 3", BadRowLog.Position("x.parquet", "row", 3));
        Assert.Equal("x.csv:3", BadRowLog.Position("x.csv", "line", 3));
    }
}
