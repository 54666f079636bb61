using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// Run ids: a readable prefix from the grid point (<c>init-a_lr-1e-3_s0</c>) plus the first 8 hex digits of the
/// SHA-256 of the canonical resolved config (with its kind). The hash alone decides identity; the prefix is for people.
/// </summary>
internal static class RunId
{
    public static string For(string kind, JsonObject point, JsonObject resolved)
    {
        var hash = CanonicalJson.Sha256(new JsonObject { ["kind"] = kind, ["config"] = resolved.DeepClone() })[..8];
        var prefix = string.Join("_", point.Select(p => Part(p.Key, p.Value)));
        return prefix.Length == 0 ? hash : $"{prefix}_{hash}";
    }

    static string Part(string key, JsonNode? value)
    {
        var name = key.Split('.')[^1];
        var text = ValueText(value);
        return name == "seed" ? "s" + text : $"{Sanitize(name)}-{text}";
    }

    /// <summary>Numbers: integers as is, others as <c>1e-3</c>/<c>1.5e-3</c>; strings sanitized to
    /// [A-Za-z0-9.+-].</summary>
    static string ValueText(JsonNode? value)
    {
        if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            var x = v.GetValue<double>();
            if (x == Math.Floor(x) && Math.Abs(x) < 1e6) return CanonicalJson.Number(x);
            return x.ToString("0.###e0", CultureInfo.InvariantCulture);
        }
        return Sanitize(CanonicalJson.ScalarText(value));
    }

    static string Sanitize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-' ? c : '-');
        var s = sb.ToString().Trim('-');
        return s.Length > 24 ? s[..24] : s;
    }
}
