using LoraLab.Training.Data;

namespace LoraLab.Tests.Training.Data;

/// <summary>A test tokenizer: one id per character (its code + 10), BOS 1, EOS 2, and named special tokens from 1000
/// (chat templates place them by id), so token positions can be read off the text.</summary>
internal sealed class CharTokenizer(params string[] specials) : ITextTokenizer
{
    public const int Bos = 1, Eos = 2, SpecialBase = 1000;

    public int[] Encode(string text) => text.Select(c => c + 10).ToArray();
    public int? BosId => Bos;
    public int? EosId => Eos;
    public int VocabSize => SpecialBase + specials.Length;
    public int? TokenId(string token) => Array.IndexOf(specials, token) is var i and >= 0 ? SpecialBase + i : null;

    /// <summary>Ids back to text: BOS "&lt;s&gt;", EOS "&lt;/s&gt;", specials by name.</summary>
    public string Decode(IEnumerable<int> ids) => string.Concat(ids.Select(id => id switch
    {
        Bos => "<s>",
        Eos => "</s>",
        >= SpecialBase => specials[id - SpecialBase],
        _ => ((char)(id - 10)).ToString(),
    }));
}
