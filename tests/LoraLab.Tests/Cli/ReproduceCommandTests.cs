using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LoraLab.Tests.Cli;

[Collection(TorchCollection.Name)]
public sealed class ReproduceCommandTests
{
    static readonly string Fixtures = Path.Combine(RepoPaths.Root, "tests", "LoraLab.Tests", "Fixtures", "Reproduce");

    static string[] Tiny(string dir, params string[] extra) =>
    [
        "reproduce", "--out", dir, "--width-spec", Path.Combine(Fixtures, "tiny-width.json"),
        "--rank-spec", Path.Combine(Fixtures, "tiny-rank.json"), "--jobs", "2", .. extra,
    ];

    [Fact]
    public void Reproduce_TinyProtocol_SummaryHasTheKeysIntervalsAndKnownAnswers()
    {
        var dir = CliTester.TempDir();
        var r = CliTester.Run(Tiny(dir, "--seed", "3"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Width axis: slope of log LR on log n", r.Output);
        Assert.Contains("[search] done", r.Error);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        foreach (var readout in new[] { "layer", "layer-relu", "scalar" })
            foreach (var init in new[] { "A", "B" })
            {
                var cell = summary["width"]![readout]![init]!;
                Assert.Equal(3, cell["seeds"]!.GetValue<int>());
                Assert.Equal([3L, 4L, 5L], summary["seeds"]!.AsArray().Select(v => v!.GetValue<long>()));
                Assert.Equal(Math.Pow(2, 1.0 / 8), cell["edge_resolution"]!.GetValue<double>(), 12);
                StrictlyInside(cell, "edge_slope", $"{readout}.{init}");
                StrictlyInside(cell, "eta_star_slope", $"{readout}.{init}");
            }
        // Known answers of the theory that even this tiny protocol shows: Init[B]'s edge falls faster with width
        // than Init[A]'s on the layer readout, and every edge falls with width.
        var layer = summary["width"]!["layer"]!;
        Assert.True(layer["B"]!["edge_slope"]!.GetValue<double>() < layer["A"]!["edge_slope"]!.GetValue<double>());
        Assert.True(layer["A"]!["edge_slope"]!.GetValue<double>() < 0);
        var predicted = new Dictionary<string, double>
            { ["a-alpha-over-r"] = 0, ["a-alpha-eff-1"] = -0.5, ["a-rslora"] = -0.25, ["b-alpha-eff-1"] = 0 };
        foreach (var (setting, slope) in predicted)
        {
            Assert.Equal(slope, summary["rank"]![setting]!["predicted_slope"]!.GetValue<double>());
            StrictlyInside(summary["rank"]![setting]!, "edge_slope", setting);
        }
        // α_eff = 1 with Init[A]: a larger rank gives a larger update, so the edge falls with r; with α/r it does not.
        Assert.True(summary["rank"]!["a-alpha-eff-1"]!["edge_slope"]!.GetValue<double>()
                    < summary["rank"]!["a-alpha-over-r"]!["edge_slope"]!.GetValue<double>());
        Assert.NotNull(summary["phase_check"]!["layer.A"]);
        foreach (var f in new[] { "report.html", "table.txt", "timing.json", "figures/edge_vs_width_layer.png",
                                 "figures/eta_star_vs_rank.png" })
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        Assert.DoesNotContain("seconds", File.ReadAllText(Path.Combine(dir, "summary.json")));
    }

    [Fact]
    public void Reproduce_KilledWithSigkillThenRerun_ResumesToTheSameSummaryBytes()
    {
        var reference = CliTester.TempDir();
        Assert.Equal(0, CliTester.Run(Tiny(reference, "--no-rank")).ExitCode);

        var killed = CliTester.TempDir();
        var exe = Path.Combine(RepoPaths.Root, "src", "LoraLab.Cli", "bin", "Release", "net10.0", "loralab");
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in Tiny(killed, "--no-rank")) info.ArgumentList.Add(a);
        using (var p = Process.Start(info)!)
        {
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            var runs = Path.Combine(killed, "tiny-width", "runs");
            var waited = Stopwatch.StartNew();
            while (!p.HasExited && Count(runs) < 60 && waited.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(50);
            Assert.False(p.HasExited, "the run ended before it could be killed");
            p.Kill(entireProcessTree: true);                                   // SIGKILL
            p.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(killed, "summary.json")));
        var resumed = CliTester.Run(Tiny(killed, "--no-rank"));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("finished", resumed.Error);
        Assert.Equal(File.ReadAllText(Path.Combine(reference, "summary.json")),
                     File.ReadAllText(Path.Combine(killed, "summary.json")));
    }

    [Fact]
    public void Reproduce_UnknownSetKey_ExitsWithUsageError()
    {
        var r = CliTester.Run("reproduce", "--quick", "--out", CliTester.TempDir(), "--set", "stepz=3");
        Assert.Equal(64, r.ExitCode);
        Assert.Contains("stepz", r.Error);
    }

    static void StrictlyInside(JsonNode cell, string key, string what)
    {
        var x = cell[key]!.GetValue<double>();
        var ci = cell[key + "_ci95"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.True(ci.Length == 2 && ci[0] < x && x < ci[1],
                    $"{what} {key} {x} not strictly inside [{string.Join(", ", ci)}]");
    }

    static int Count(string dir) => Directory.Exists(dir)
        ? Directory.EnumerateFiles(dir, "result.json", SearchOption.AllDirectories).Count() : 0;
}
