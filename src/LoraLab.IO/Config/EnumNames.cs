using System.Text.Json;

namespace LoraLab.IO.Config;

/// <summary>Enum values as users write them: the kebab-case JSON names ("gaussian-a"), case-insensitive, with '_'
/// accepted for '-' ("both_random", "A").</summary>
public static class EnumNames
{
    public static string Of<T>(T value) where T : struct, Enum =>
        JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static T Parse<T>(string text, string what) where T : struct, Enum
    {
        var wanted = text.Trim().Replace('_', '-').ToLowerInvariant();
        foreach (var value in Enum.GetValues<T>())
            if (Of(value) == wanted) return value;
        throw new LoraLabException(
            $"unknown {what} '{text}'; expected one of: {string.Join(", ", Enum.GetValues<T>().Select(Of))}",
            ExitCodes.Usage);
    }
}
