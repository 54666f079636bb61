using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoraLab.IO.Config;

/// <summary>
/// The one JSON dialect of LoraLab's configs and result files: snake_case keys (a JSON key, its C# property and
/// its <c>--set</c> path are the same words), kebab-case enum values, unknown keys rejected.
/// </summary>
public static class ConfigJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static System.Text.Json.Nodes.JsonNode ToNode<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Options)
        ?? throw new InvalidOperationException($"{typeof(T).Name} serialized to null");
}
