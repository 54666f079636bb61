using System.Text.RegularExpressions;
using LoraLab.IO.Config;

namespace LoraLab.Core;

/// <summary>
/// What LoRA to inject where. Field names follow PEFT's LoraConfig (docs/reference/anchors.md §1.2) so that
/// <c>adapter_config.json</c> maps one to one.
/// </summary>
public sealed record LoraConfig : IValidatable
{
    /// <summary>Rank r of every adapted layer (unless <see cref="RankPattern"/> says otherwise).</summary>
    public int Rank { get; init; } = 8;

    /// <summary>α, the numerator of the scaling s (α/r or α/√r).</summary>
    public double Alpha { get; init; } = 16;

    /// <summary>Dropout on the LoRA branch input only (PEFT <c>lora_dropout</c>).</summary>
    public double Dropout { get; init; } = 0.0;

    /// <summary>Module paths to adapt: a module matches an entry when its path equals it or ends with "." + it
    /// (PEFT's list form). Empty means "the model's default targets".</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [];

    /// <summary>Alternatively, a regex that must match the whole module path (PEFT's string form).</summary>
    public string? TargetRegex { get; init; }

    /// <summary>Module paths never adapted, same matching rules as <see cref="TargetModules"/>.</summary>
    public IReadOnlyList<string> ExcludeModules { get; init; } = [];

    /// <summary>Per-module rank overrides; a key matches a path as the regex <c>(.*\.)?key$</c> (PEFT
    /// rank_pattern).</summary>
    public Dictionary<string, int> RankPattern { get; init; } = [];

    /// <summary>Per-module α overrides, matched like <see cref="RankPattern"/>.</summary>
    public Dictionary<string, double> AlphaPattern { get; init; } = [];

    /// <summary>Initialization scheme (see <see cref="LoraInit"/>).</summary>
    public LoraInit Init { get; init; } = LoraInit.A;

    /// <summary>c in σ = c/√fan_in for <see cref="LoraInit.GaussianA"/> and
    /// <see cref="LoraInit.GaussianB"/>.</summary>
    public double InitGain { get; init; } = 1.0;

    /// <summary>α/r or α/√r (rsLoRA).</summary>
    public LoraScaling Scaling { get; init; } = LoraScaling.AlphaOverR;

    /// <summary>Rank for the module at <paramref name="path"/>, after <see cref="RankPattern"/>.</summary>
    public int RankFor(string path) => PatternValue(RankPattern, path) ?? Rank;

    /// <summary>α for the module at <paramref name="path"/>, after <see cref="AlphaPattern"/>.</summary>
    public double AlphaFor(string path) => PatternValue(AlphaPattern, path) ?? Alpha;

    /// <summary>True when <paramref name="path"/> is a target and not excluded.</summary>
    public bool Targets(string path)
    {
        if (ExcludeModules.Any(e => MatchesEntry(e, path))) return false;
        if (TargetRegex is not null) return Regex.IsMatch(path, $"^(?:{TargetRegex})$");
        return TargetModules.Any(t => MatchesEntry(t, path));
    }

    static bool MatchesEntry(string entry, string path) =>
        path == entry || path.EndsWith("." + entry, StringComparison.Ordinal);

    static T? PatternValue<T>(Dictionary<string, T> patterns, string path) where T : struct
    {
        foreach (var (key, value) in patterns)
            if (Regex.IsMatch(path, $"^(.*\\.)?(?:{key})$")) return value;
        return null;
    }

    public IEnumerable<string> Validate()
    {
        if (Rank < 1) yield return $"rank must be >= 1, got {Rank}";
        if (!(Alpha > 0) || double.IsInfinity(Alpha))
            yield return $"alpha must be a positive finite number, got {Alpha}";
        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout)) yield return $"dropout must be in [0, 1), got {Dropout}";
        if (!(InitGain > 0) || double.IsInfinity(InitGain)) yield return $"init_gain must be positive, got {InitGain}";
        if (TargetRegex is not null && !IsValidRegex(TargetRegex))
            yield return $"target_regex is not a valid regex: {TargetRegex}";
        foreach (var (key, r) in RankPattern)
        {
            if (r < 1) yield return $"rank_pattern['{key}'] must be >= 1, got {r}";
            if (Init == LoraInit.Orthogonal && r % 2 != 0)
                yield return $"orthogonal init needs an even rank, rank_pattern['{key}'] = {r}";
        }
        foreach (var (key, a) in AlphaPattern)
            if (!(a > 0)) yield return $"alpha_pattern['{key}'] must be positive, got {a}";
        if (Init == LoraInit.Orthogonal && Rank % 2 != 0)
            yield return $"orthogonal init needs an even rank, got {Rank}";
    }

    static bool IsValidRegex(string pattern)
    {
        try { _ = new Regex(pattern); return true; }
        catch (ArgumentException) { return false; }
    }
}
