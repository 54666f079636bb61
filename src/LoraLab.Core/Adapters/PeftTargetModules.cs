using System.Text.Json.Serialization;

namespace LoraLab.Core.Adapters;

/// <summary>
/// PEFT's <c>target_modules</c> / <c>exclude_modules</c>: either a list of names (a module matches when its path
/// equals a name or ends with "." + name) or one string, a regex the whole module path must match
/// (PEFT <c>check_target_module_exists</c>). Exactly one of <see cref="Names"/> and <see cref="Regex"/> is set.
/// </summary>
[JsonConverter(typeof(PeftTargetModulesConverter))]
public sealed record PeftTargetModules
{
    public IReadOnlyList<string>? Names { get; private init; }
    public string? Regex { get; private init; }

    public static PeftTargetModules List(IEnumerable<string> names) => new() { Names = names.ToList() };

    public static PeftTargetModules Pattern(string regex) => new() { Regex = regex };

    public bool Equals(PeftTargetModules? other) =>
        other is not null && Regex == other.Regex
                          && (Names is null
                              ? other.Names is null
                              : other.Names is not null && Names.SequenceEqual(other.Names));

    public override int GetHashCode() => HashCode.Combine(Regex, Names?.Count);

    public override string ToString() => Regex ?? $"[{string.Join(", ", Names!)}]";
}
