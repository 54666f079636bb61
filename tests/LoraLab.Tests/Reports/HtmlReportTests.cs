using LoraLab.Reports;

namespace LoraLab.Tests.Reports;

public sealed class HtmlReportTests
{
    [Fact]
    public void Render_EscapesTextAndEmbedsFigure()
    {
        var dir = Directory.CreateTempSubdirectory("loralab-report-").FullName;
        var chart = new ChartSpec("t", "x", "y",
            [new ChartSeries("a<b", [1, 10, 100], [1, 0.1, double.NaN]),
             ChartSeries.PowerLaw("n^-1", -1, 1, 1, 1, 100)])
        { LogX = true, LogY = true };
        var png = LineChart.Save(chart, Path.Combine(dir, "fig"));
        var html = new HtmlReport("R & D").Paragraph("1 < 2").Table(["h"], [["<td>"]]).FigurePng(png, "cap").Render();
        Assert.Contains("R &amp; D", html);
        Assert.Contains("1 &lt; 2", html);
        Assert.Contains("&lt;td&gt;", html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.True(File.Exists(Path.Combine(dir, "fig.svg")));
        Assert.Equal(0x89, png[0]);
    }
}
