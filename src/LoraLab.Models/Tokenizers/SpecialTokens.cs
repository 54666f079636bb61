using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.IO.Checkpoints;
using static LoraLab.Models.Tokenizers.ByteLevelBpeFiles;
using AddedToken = LoraLab.Models.Tokenizers.ByteLevelBpeTokenizer.AddedToken;

namespace LoraLab.Models.Tokenizers;

/// <summary>
/// BOS / EOS / PAD ids of a model folder: tokenizer_config.json's <c>bos_token</c>, <c>eos_token</c>, <c>pad_token</c>
/// (a string or {"content": ...}) looked up among the added tokens and the vocab, else config.json's
/// <c>bos_token_id</c> / <c>eos_token_id</c> / <c>pad_token_id</c> (the first of a list). <c>add_bos_token</c> as
/// written.
/// </summary>
internal sealed record Specials(int? Bos, int? Eos, int? Pad, bool AddBos)
{
    public static Specials Read(string dir, IReadOnlyDictionary<string, int> vocab, IReadOnlyList<AddedToken> added)
    {
        var configPath = Path.Combine(dir, TokenizerConfig);
        var config = ReadOptional(configPath);
        var model = ReadOptional(Path.Combine(dir, HfCheckpoint.ConfigFile));
        int? Id(string key)
        {
            var node = config?[key];
            var content = Text(node) ?? Text(node?["content"]);
            if (content is null) return FirstId(model?[key + "_id"]);
            return added.FirstOrDefault(t => t.Content == content)?.Id
                   ?? (vocab.TryGetValue(content, out var id) ? id
                       : throw new LoraLabException($"{configPath}: {key} \"{content}\" is not a token of " +
                                                    "the tokenizer", ExitCodes.BadInput));
        }
        return new Specials(Id("bos_token"), Id("eos_token"), Id("pad_token"),
            config?["add_bos_token"]?.GetValue<bool>() ?? false);
    }

    private static int? FirstId(JsonNode? node) => node switch
    {
        JsonArray { Count: > 0 } list => list[0]!.GetValue<int>(),
        JsonValue v when v.TryGetValue<int>(out var id) => id,
        _ => null,
    };
}
