using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LoraLab.Training.Data;

/// <summary>Typed access to the fields of a <see cref="DataRecord"/>, with the reason when a field is unusable.
/// </summary>
internal static class RecordFields
{
    /// <summary>A non-blank text: a JSON string (numbers are taken as their JSON text, as a CSV cell would be).
    /// </summary>
    public static bool TryText(JsonObject fields, string column, out string text, out string reason)
    {
        (text, reason) = ("", "");
        if (!fields.TryGetPropertyValue(column, out var node)) { reason = $"missing column '{column}'"; return false; }
        switch (node?.GetValueKind())
        {
            case JsonValueKind.String: text = node.GetValue<string>(); break;
            case JsonValueKind.Number: text = node.ToJsonString(); break;
            case null or JsonValueKind.Null: reason = $"empty text in '{column}'"; return false;
            default:
                reason = $"'{column}' is a JSON {JsonRecordReader.Kind(node)}, not text";
                return false;
        }
        if (text.Trim().Length == 0) { reason = $"empty text in '{column}'"; return false; }
        return true;
    }

    /// <summary>An optional string: missing or null give "" (Alpaca's empty input).</summary>
    public static bool TryOptionalText(JsonObject fields, string column, out string text, out string reason)
    {
        (text, reason) = ("", "");
        if (!fields.TryGetPropertyValue(column, out var node) || node is null) return true;
        if (node.GetValueKind() != JsonValueKind.String) { reason = $"'{column}' is not a string"; return false; }
        text = node.GetValue<string>();
        return true;
    }

    /// <summary>A class label as a string: a JSON string (trimmed), an integer or a boolean.</summary>
    public static bool TryLabel(JsonObject fields, string column, out string label, out string reason)
    {
        (label, reason) = ("", "");
        if (!fields.TryGetPropertyValue(column, out var node)) { reason = $"missing column '{column}'"; return false; }
        switch (node?.GetValueKind())
        {
            case JsonValueKind.String:
                label = node.GetValue<string>().Trim();
                if (label.Length == 0) { reason = $"empty label in '{column}'"; return false; }
                return true;
            case JsonValueKind.Number:
                if (node.AsValue().TryGetValue<long>(out var n))
                {
                    label = n.ToString(CultureInfo.InvariantCulture);
                    return true;
                }
                var d = node.GetValue<double>();
                if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
                {
                    label = ((long)d).ToString(CultureInfo.InvariantCulture);
                    return true;
                }
                reason = $"label {node.ToJsonString()} in '{column}' is not an integer or a string";
                return false;
            case JsonValueKind.True or JsonValueKind.False:
                label = node.GetValue<bool>() ? "true" : "false";
                return true;
            case null or JsonValueKind.Null:
                reason = $"empty label in '{column}'";
                return false;
            default:
                reason = $"label in '{column}' is a JSON {JsonRecordReader.Kind(node)}";
                return false;
        }
    }
}
