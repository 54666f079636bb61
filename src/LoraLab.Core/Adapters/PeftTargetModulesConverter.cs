using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoraLab.Core.Adapters;

/// <summary>Reads a JSON list of strings or a single (regex) string; writes back the same form.</summary>
internal sealed class PeftTargetModulesConverter : JsonConverter<PeftTargetModules>
{
    public override PeftTargetModules Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return PeftTargetModules.Pattern(reader.GetString()!);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("expected a list of module names or a regex string");
        var names = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("module names must be strings");
            names.Add(reader.GetString()!);
        }
        return PeftTargetModules.List(names);
    }

    public override void Write(Utf8JsonWriter writer, PeftTargetModules value, JsonSerializerOptions options)
    {
        if (value.Regex is not null)
        {
            writer.WriteStringValue(value.Regex);
            return;
        }
        writer.WriteStartArray();
        foreach (var name in value.Names!) writer.WriteStringValue(name);
        writer.WriteEndArray();
    }
}
