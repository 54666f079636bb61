using System.Text.Json;
using System.Text.Json.Nodes;

namespace LoraLab.IO.Config;

/// <summary>
/// defaults (the record's initializers) ⊕ JSON file ⊕ <c>--set key.path=value</c>, merged as JSON trees and
/// deserialized once, strictly: an unknown key, a wrong type or an unknown enum value is a one-line error, and
/// <see cref="IValidatable.Validate"/> runs before anything else happens (nanoGPT's configurator, made strict).
/// </summary>
public static class ConfigLoader
{
    /// <summary>Loads a config of type <typeparamref name="T"/>; <paramref name="path"/> may be null (defaults
    /// only).</summary>
    public static T Load<T>(string? path, IEnumerable<string>? overrides = null) where T : class, new()
    {
        JsonObject? file = null;
        if (path is not null)
        {
            if (!File.Exists(path)) throw new LoraLabException($"config file not found: {path}", ExitCodes.Usage);
            file = ParseObject(File.ReadAllText(path), path);
        }
        return FromTree<T>(file, overrides, path ?? "config");
    }

    /// <summary>Loads from an already parsed JSON object (e.g. the <c>base</c> block of a sweep spec).</summary>
    public static T FromTree<T>(JsonObject? tree, IEnumerable<string>? overrides, string source)
        where T : class, new()
    {
        var merged = (JsonObject)ConfigJson.ToNode(new T());
        if (tree is not null) Merge(merged, tree, source, "");
        foreach (var assignment in overrides ?? [])
            ApplySet(merged, assignment);
        T result;
        try
        {
            result = merged.Deserialize<T>(ConfigJson.Options)
                     ?? throw new LoraLabException($"{source}: config is null", ExitCodes.Usage);
        }
        catch (JsonException ex)
        {
            throw new LoraLabException($"{source}: {Describe(ex)}", ExitCodes.Usage, ex);
        }
        if (result is IValidatable validatable)
        {
            var errors = validatable.Validate().ToList();
            if (errors.Count > 0)
                throw new LoraLabException($"{source}: invalid config: {string.Join("; ", errors)}", ExitCodes.Usage);
        }
        return result;
    }

    public static JsonObject ParseObject(string json, string source)
    {
        try
        {
            var node = ParseNode(json, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
                AllowDuplicateProperties = false,
            }, source, ExitCodes.Usage);
            return node as JsonObject
                   ?? throw new LoraLabException($"{source}: expected a JSON object", ExitCodes.Usage);
        }
        catch (JsonException ex)
        {
            throw new LoraLabException($"{source}: malformed JSON: {FirstSentence(ex.Message)}", ExitCodes.Usage, ex);
        }
    }

    /// <summary>JsonNode.Parse, then every string read once. JSON escapes can spell a lone UTF-16 surrogate
    /// ("\ud800"), which System.Text.Json refuses with an InvalidOperationException (not a JsonException) when it
    /// first reads the string: while checking duplicate keys, or later.</summary>
    public static JsonNode? ParseNode(string json, JsonDocumentOptions options, string source, int exitCode)
    {
        try
        {
            var node = JsonNode.Parse(json, documentOptions: options);
            Walk(node);
            return node;
        }
        catch (InvalidOperationException ex)
        {
            throw new LoraLabException($"{source}: malformed JSON: a string holds a lone UTF-16 surrogate",
                                       exitCode, ex);
        }

        static void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (_, v) in o) Walk(v);
                    break;
                case JsonArray a:
                    foreach (var v in a) Walk(v);
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    v.GetValue<string>();
                    break;
            }
        }
    }

    /// <summary>Overlays <paramref name="overlay"/> on <paramref name="target"/>: objects merge key by key, anything
    /// else replaces. A key the defaults do not have is an error (dictionaries are the exception: they start
    /// empty).</summary>
    static void Merge(JsonObject target, JsonObject overlay, string source, string prefix)
    {
        foreach (var (key, value) in overlay.ToList())
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (key == "description" && prefix.Length == 0 && !target.ContainsKey(key)) continue; // a file's own note
            if (!target.ContainsKey(key) && !IsOpenDictionary(target))
                throw new LoraLabException($"{source}: unknown key '{path}'", ExitCodes.Usage);
            if (value is JsonObject obj && target[key] is JsonObject existing)
                Merge(existing, obj, source, path);
            else
                target[key] = value?.DeepClone();
        }
    }

    /// <summary>Applies <c>a.b.c=value</c>; the value is read as JSON when it parses (numbers, booleans, arrays),
    /// otherwise as a plain string.</summary>
    static void ApplySet(JsonObject root, string assignment)
    {
        var eq = assignment.IndexOf('=');
        if (eq <= 0) throw new LoraLabException($"--set expects key=value, got '{assignment}'", ExitCodes.Usage);
        SetPath(root, assignment[..eq].Trim(), ParseValue(assignment[(eq + 1)..]), create: false);
    }

    /// <summary>Splits <c>a.b.c=value</c> into the key path and the value (JSON when it parses, else a
    /// string).</summary>
    public static (string Key, JsonNode? Value) ParseAssignment(string assignment)
    {
        var eq = assignment.IndexOf('=');
        if (eq <= 0) throw new LoraLabException($"--set expects key=value, got '{assignment}'", ExitCodes.Usage);
        return (assignment[..eq].Trim(), ParseValue(assignment[(eq + 1)..]));
    }

    /// <summary>The one dotted-path setter (<c>--set</c>, sweep grid keys, searched keys): sets <c>a.b.c</c> in
    /// <paramref name="root"/>. With <paramref name="create"/> false every step must exist (or be an open dictionary);
    /// with true, missing objects are created and the strict load that follows rejects unknown keys.</summary>
    public static void SetPath(JsonObject root, string keyPath, JsonNode? value, bool create)
    {
        var parts = keyPath.Split('.');
        JsonObject node = root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (node[parts[i]] is not JsonObject child)
            {
                if (!create) throw new LoraLabException($"--set: unknown key '{keyPath}'", ExitCodes.Usage);
                node[parts[i]] = child = new JsonObject();
            }
            node = child;
        }
        var leaf = parts[^1];
        if (!create && !node.ContainsKey(leaf) && !IsOpenDictionary(node))
            throw new LoraLabException($"--set: unknown key '{keyPath}'", ExitCodes.Usage);
        node[leaf] = value;
    }

    static JsonNode? ParseValue(string raw)
    {
        try { return JsonNode.Parse(raw); }
        catch (JsonException) { return JsonValue.Create(raw); }
    }

    // Dictionaries (rank_pattern, grid axes) serialize as empty objects: any key may be added to them.
    static bool IsOpenDictionary(JsonObject node) => node.Count == 0;

    static string Describe(JsonException ex)
    {
        var path = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
        if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var start = ex.Message.IndexOf('\'') + 1;
            var end = ex.Message.IndexOf('\'', start);
            var key = start > 0 && end > start ? ex.Message[start..end] : "?";
            return $"unknown key '{(path.Length > 0 && !path.EndsWith(key) ? path + "." : "")}{key}'";
        }
        return $"bad value at '{(path.Length == 0 ? "(root)" : path)}': {FirstSentence(ex.Message)}";
    }

    static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).ReplaceLineEndings(" ").Trim();
    }
}
