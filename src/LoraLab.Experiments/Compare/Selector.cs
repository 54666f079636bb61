using LoraLab.Core;
using LoraLab.Experiments.Sweeps;

namespace LoraLab.Experiments.Compare;

/// <summary>A side of a comparison: <c>key=value[,key=value...]</c> over config keys (dotted paths).</summary>
public static class Selector
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new List<KeyValuePair<string, string>>();
        foreach (var part in parts)
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || eq == part.Length - 1)
                throw new LoraLabException($"{option} expects key=value (e.g. init=a), got '{text}'", ExitCodes.Usage);
            list.Add(new(part[..eq], part[(eq + 1)..]));
        }
        if (list.Count == 0) throw new LoraLabException($"{option} expects key=value (e.g. init=a), got '{text}'", ExitCodes.Usage);
        return list;
    }

    public static bool Matches(PlannedRun run, IReadOnlyList<KeyValuePair<string, string>> selectors) =>
        selectors.All(s => Same(run.Value(s.Key), s.Value));

    /// <summary>Text equality, or numeric equality when both sides are numbers (so lr=1e-3 matches 0.001).</summary>
    static bool Same(string? actual, string wanted) =>
        actual == wanted
        || actual is not null
        && double.TryParse(actual, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var a)
        && double.TryParse(wanted, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var b)
        && a == b;
}
