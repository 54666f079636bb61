using System.Text.Json.Nodes;
using LoraLab.Tests.Support;

namespace LoraLab.Tests.Models.Hf;

/// <summary>One folder of Fixtures/hf (tools/hf_fixtures.py): a tiny random HF model and its reference.json.</summary>
internal sealed class HfFixture(string arch)
{
    public static readonly string[] Archs = ["llama3", "llama-bias", "mistral", "qwen2", "gpt2"];

    public string Dir { get; } = RepoPaths.Fixture(Path.Combine("hf", arch));
    private JsonObject Reference => _reference ??= (JsonObject)JsonNode.Parse(
        File.ReadAllText(Path.Combine(Dir, "reference.json")))!;
    private JsonObject? _reference;

    public long[] Tokens => Reference["tokens"]!.AsArray().Select(t => t!.GetValue<long>()).ToArray();

    public string Text => Reference["text"]!.GetValue<string>();

    /// <summary>(T, vocab) reference logits: of the base model, or with adapter_<paramref name="adapter"/>.</summary>
    public double[] Logits(string? adapter = null) =>
        (adapter is null ? Reference["logits"] : Reference["adapters"]![adapter])!.AsArray()
        .SelectMany(row => row!.AsArray().Select(v => v!.GetValue<double>())).ToArray();

    public IEnumerable<string> Adapters => Reference["adapters"]!.AsObject().Select(kv => kv.Key);

    public string AdapterDir(string name) => Path.Combine(Dir, "adapter_" + name);

    public IEnumerable<(string Text, int[] Ids)> TokenizerCases => Reference["tokenizer_cases"]!.AsArray()
        .Select(c => (c!["text"]!.GetValue<string>(), c["ids"]!.AsArray().Select(i => i!.GetValue<int>()).ToArray()));

    /// <summary>A copy of the folder with config.json edited, for bad-config tests.</summary>
    public string CopyWithConfig(string to, Action<JsonObject> edit)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(Dir)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(to, "config.json")))!;
        edit(config);
        File.WriteAllText(Path.Combine(to, "config.json"), config.ToJsonString());
        return to;
    }
}
