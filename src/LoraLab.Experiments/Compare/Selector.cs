using System.Globalization;
using LoraLab.Experiments.Sweeps;
using LoraLab.IO;

namespace LoraLab.Experiments.Compare;

/// <summary>A side of a comparison: <c>key=value[,key=value...]</c>, keys resolved by <see cref="SweepKeys"/>
/// (<c>init=a</c> selects <c>lora.init=a</c> in a finetune sweep). Values match as text ignoring case, with '_'
/// accepted for '-' as enum names are typed (<c>init=A</c>, <c>init=both_random</c>), or as numbers
/// (<c>lr=1e-3</c> matches 0.001).</summary>
internal sealed record Selector(string Text, IReadOnlyList<KeyValuePair<string, string>> Pairs)
{
    /// <summary>Parses and resolves <paramref name="text"/> against <paramref name="plan"/>. <see cref="Text"/> is
    /// the canonical form: resolved keys, and a text value spelled as the runs spell it.</summary>
    public static Selector Parse(SweepPlan plan, string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in parts)
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || eq == part.Length - 1)
                throw new LoraLabException($"{option} expects key=value (e.g. init=a), got '{text}'", ExitCodes.Usage);
            var key = SweepKeys.Resolve(plan, part[..eq], option);
            var value = part[(eq + 1)..].Trim();
            var spelled = plan.Runs.Select(r => r.Value(key)).FirstOrDefault(v => v is not null && SameText(v, value));
            pairs.Add(new(key, spelled ?? value));
        }
        if (pairs.Count == 0)
            throw new LoraLabException($"{option} expects key=value (e.g. init=a), got '{text}'", ExitCodes.Usage);
        return new Selector(string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}")), pairs);
    }

    public bool Matches(PlannedRun run) => Pairs.All(s => Same(run.Value(s.Key), s.Value));

    /// <summary>What each key of this selector takes in <paramref name="plan"/>, for a "matches no run" error:
    /// <c>lora.init takes a, b</c>.</summary>
    public string Choices(SweepPlan plan) => string.Join("; ", Pairs.Select(p =>
        $"{p.Key} takes {string.Join(", ", plan.Runs.Select(r => r.Value(p.Key) ?? "(absent)").Distinct())}"));

    static bool Same(string? actual, string wanted) =>
        actual is not null && (SameText(actual, wanted) || SameNumber(actual, wanted));

    static bool SameText(string actual, string wanted) =>
        string.Equals(actual, wanted, StringComparison.OrdinalIgnoreCase)
        || string.Equals(actual, wanted.Replace('_', '-'), StringComparison.OrdinalIgnoreCase);

    static bool SameNumber(string actual, string wanted) =>
        double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
        && double.TryParse(wanted, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
        && a == b;
}
