using System.Text.Json;

namespace LoraLab.Training.Data;

/// <summary>
/// Picks a built-in chat template for a model, in this order: the configured one; the markers in the model folder's
/// tokenizer_config.json <c>chat_template</c> (&lt;|im_start|&gt; → chatml, &lt;|start_header_id|&gt; → llama3,
/// [INST] → llama2; the Jinja itself is not executed); the tokenizer's own special tokens; config.json
/// <c>model_type</c> qwen2 → chatml; otherwise plain. Returns the template and why it was chosen.
/// </summary>
internal static class ChatTemplateChooser
{
    static readonly (string Marker, ChatTemplateKind Template)[] Markers =
    [
        ("<|im_start|>", ChatTemplateKind.Chatml),
        ("<|start_header_id|>", ChatTemplateKind.Llama3),
        ("[INST]", ChatTemplateKind.Llama2),
    ];

    public static (ChatTemplateKind Template, string Reason) Choose(
        ChatTemplateKind configured, string? modelPath, ITextTokenizer tokenizer)
    {
        if (configured != ChatTemplateKind.Auto) return (configured, "set by data.chat_template / --chat-template");
        var folder = modelPath is not null && Directory.Exists(modelPath) ? modelPath : null;
        if (folder is not null && JinjaTemplate(folder) is { } jinja)
            foreach (var (marker, template) in Markers)
                if (jinja.Contains(marker, StringComparison.Ordinal))
                    return (template, $"tokenizer_config.json's chat_template uses {marker}");
        foreach (var (marker, template) in Markers)
            if (marker.StartsWith("<|", StringComparison.Ordinal) && tokenizer.TokenId(marker) is not null)
                return (template, $"the tokenizer has the token {marker}");
        if (folder is not null && ModelType(folder) == "qwen2")
            return (ChatTemplateKind.Chatml, "config.json model_type qwen2");
        return (ChatTemplateKind.Plain, "the model has no chat format LoraLab recognises");
    }

    /// <summary>The chat_template string(s) of DIR/tokenizer_config.json (a string, or a list of {name, template}).
    /// </summary>
    static string? JinjaTemplate(string folder)
    {
        var path = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty("chat_template", out var t)) return null;
            return t.ValueKind switch
            {
                JsonValueKind.String => t.GetString(),
                JsonValueKind.Array => string.Join("\n", t.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("template", out _))
                    .Select(e => e.GetProperty("template").GetString())),
                _ => null,
            };
        }
        catch (JsonException) { return null; }            // the tokenizer loader reports a broken file
    }

    static string? ModelType(string folder)
    {
        var path = Path.Combine(folder, "config.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.TryGetProperty("model_type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString() : null;
        }
        catch (JsonException) { return null; }
    }
}
