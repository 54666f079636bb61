using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LoraLab.IO.Config;
using LoraLab.IO;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Tune;

/// <summary>tune's files in DIR: recommended.json (a finetune config that <c>loralab finetune --config</c> runs as
/// is), adapter/ (the recommended configuration's adapter, from its first seed's run), trials.csv, tune.json and
/// report.html.</summary>
internal static class TuneOutputs
{
    public const string RecommendedFile = "recommended.json";
    public const string TrialsFile = "trials.csv";

    public static void Write(TuneResult result, JsonObject recommended, ResultStore trials, string directory,
        TuneSpec spec)
    {
        var config = new JsonObject
        {
            ["description"] = $"loralab tune {spec.Name}: {result.Recommended.Arm}, optim.lr " +
                              $"{result.Recommended.Lr.ToString("G3", CultureInfo.InvariantCulture)} " +
                              $"({result.Verdict})",
        };
        foreach (var (key, value) in recommended) config[key] = value?.DeepClone();
        AtomicFile.WriteAllText(Path.Combine(directory, RecommendedFile),
            config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var firstSeed = trials.RunDirectory(result.Recommended.FirstSeedRunId);
        var adapter = Path.Combine(firstSeed, FinetuneRunKind.OutputFolder, "adapter");
        if (Directory.Exists(adapter)) CopyFolder(adapter, Path.Combine(directory, "adapter"));
        AtomicFile.WriteAllText(Path.Combine(directory, TrialsFile), Csv(result));
        AtomicFile.WriteAllText(Path.Combine(directory, TuneResult.FileName), ConfigJson.Serialize(result) + "\n");
        TuneReport.Write(result, directory);
    }

    public static string Csv(TuneResult result)
    {
        var axes = result.Trials.SelectMany(t => t.Axes.Keys).Distinct().ToList();
        var axisColumns = string.Join("", axes.Select(a => a + ","));
        var sameMetric = result.ReportMetric == result.Metric;
        var reportColumn = sameMetric ? "" : result.ReportMetric + ",";
        var sb = new StringBuilder($"stage,rung,id,init,lr,{axisColumns}steps,seed,status,{result.Metric}," +
                                   $"{reportColumn}steps_completed,promoted,pruned_by\n");
        foreach (var t in result.Trials)
        {
            var axisValues = string.Join("", axes.Select(a => Csv(t.Axes.GetValueOrDefault(a, "")) + ","));
            var report = sameMetric ? "" : (t.Report is { } rep ? R(rep) : "") + ",";
            sb.Append(CultureInfo.InvariantCulture,
                $"{t.Stage},{t.Rung},{t.Id},{t.Init},{R(t.Lr)},{axisValues}" +
                $"{t.Steps},{t.Seed},{t.Status},{(t.Metric is { } m ? R(m) : "")},{report}{t.StepsCompleted}," +
                $"{(t.Promoted ? "yes" : "")},{Csv(t.PrunedBy ?? "")}\n");
        }
        return sb.ToString();
    }

    static string Csv(string field) =>
        field.Contains(',') || field.Contains('"') ? $"\"{field.Replace("\"", "\"\"")}\"" : field;

    static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Copies into a temp folder, then renames it over the target (so a kill leaves the old adapter or the
    /// new one).</summary>
    static void CopyFolder(string from, string to)
    {
        var temp = to + $".{Guid.NewGuid():N}.tmp";
        Directory.CreateDirectory(temp);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(temp, Path.GetFileName(file)));
        if (Directory.Exists(to)) Directory.Delete(to, recursive: true);
        Directory.Move(temp, to);
    }
}
