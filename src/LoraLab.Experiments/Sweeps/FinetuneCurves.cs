using System.Text.Json;
using LoraLab.IO.Config;
using LoraLab.Training.Recipes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>A finetune run's curves, read back from its metrics.jsonl (<see cref="StepRecord"/> per line): per train
/// step loss, rms_za / rms_zb (mean over adapted layers), grad_norm_a, grad_norm_b; per evaluation
/// eval_&lt;metric&gt;.</summary>
internal static class FinetuneCurves
{
    public static IReadOnlyDictionary<string, double[]> Read(string metricsPath)
    {
        var records = Records(metricsPath);
        var train = records.Where(r => r.Kind == "train").ToList();
        var curves = new Dictionary<string, double[]>
        {
            ["loss"] = train.Select(r => r.Loss ?? double.NaN).ToArray(),
            ["rms_za"] = train.Select(r => Mean(r.ZaRms)).ToArray(),
            ["rms_zb"] = train.Select(r => Mean(r.ZbRms)).ToArray(),
            ["grad_norm_a"] = train.Select(r => r.GradNormA ?? double.NaN).ToArray(),
            ["grad_norm_b"] = train.Select(r => r.GradNormB ?? double.NaN).ToArray(),
        };
        var evals = records.Where(r => r.Kind == "eval" && r.Metrics is not null).ToList();
        foreach (var key in evals.SelectMany(r => r.Metrics!.Keys).Distinct().Where(
            k => k is not ("examples" or "tokens")))
            curves["eval_" + key] = evals.Select(r => r.Metrics!.TryGetValue(key, out var v) ? v : double.NaN)
                .ToArray();
        curves["eval_step"] = evals.Select(r => (double)r.Step).ToArray();
        return curves;
    }

    /// <summary>The loss of the last completed train step, or null when no step completed.</summary>
    public static double? LastTrainLoss(string metricsPath) =>
        Records(metricsPath).LastOrDefault(r => r.Kind == "train")?.Loss;

    static List<StepRecord> Records(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Length > 0)
                .Select(l => JsonSerializer.Deserialize<StepRecord>(l, ConfigJson.Options)!).ToList()
            : [];

    static double Mean(IReadOnlyList<double>? values) => values is { Count: > 0 } ? values.Average() : double.NaN;
}
