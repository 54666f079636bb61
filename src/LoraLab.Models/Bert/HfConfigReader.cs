using System.Text.Json.Nodes;
using LoraLab.Core;

namespace LoraLab.Models.Bert;

/// <summary>Typed access to a Hugging Face config.json; a wrong type or a missing required key is a one-line error.</summary>
internal sealed class HfConfigReader(JsonObject json, string path)
{
    public T Get<T>(string key) =>
        json[key] is { } node ? Convert<T>(node, key) : throw new LoraLabException($"{path}: missing \"{key}\"");

    public T Get<T>(string key, T fallback) => json[key] is { } node ? Convert<T>(node, key) : fallback;

    private T Convert<T>(JsonNode node, string key)
    {
        try
        {
            return node.GetValue<T>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new LoraLabException($"{path}: \"{key}\" is {node.ToJsonString()}, expected {typeof(T).Name}");
        }
    }
}
