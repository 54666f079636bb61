using System.Text;
using LoraLab.IO;

namespace LoraLab.Training.Data;

/// <summary>
/// Plain-text corpora for causal-LM finetuning (data/SOURCES.md §4), cut into fixed-length token blocks: the text is
/// split into documents at blank lines, each document is tokenized and prefixed with BOS (as llama2.c pretrained on
/// TinyStories), the documents are concatenated into one stream, and the stream is cut into non-overlapping windows
/// of block_size + 1 tokens (inputs = window[..^1], targets = window[1..]; every token is predicted once, the last
/// partial window is dropped and counted).
/// </summary>
internal static class TextCorpus
{
    /// <summary>The whole file as text (strict UTF-8).</summary>
    public static string ReadText(string path)
    {
        if (!File.Exists(path)) throw new LoraLabException($"data file not found: {path}", ExitCodes.BadInput);
        try { return File.ReadAllText(path, new UTF8Encoding(false, throwOnInvalidBytes: true)); }
        catch (DecoderFallbackException ex)
        {
            throw new LoraLabException($"{path}: not valid UTF-8 ({ex.Message})", ExitCodes.BadInput, ex);
        }
    }

    /// <summary>Documents: runs of non-blank lines, each trimmed of the line structure's trailing whitespace.</summary>
    public static List<string> Documents(string text)
    {
        var docs = new List<string>();
        var current = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                if (current.Length > 0) docs.Add(current.ToString());
                current.Clear();
                continue;
            }
            if (current.Length > 0) current.Append('\n');
            current.Append(line.TrimEnd('\r', ' '));
        }
        if (current.Length > 0) docs.Add(current.ToString());
        return docs;
    }

    /// <summary>Splits text at the first newline at or after <paramref name="fraction"/> of its characters
    /// (nanoGPT's contiguous 90/10 convention for tinyshakespeare: no document straddles the cut).</summary>
    public static (string Head, string Tail) SplitAt(string text, double fraction)
    {
        var cut = (int)(text.Length * fraction);
        var newline = text.IndexOf('\n', cut);
        cut = newline < 0 ? text.Length : newline + 1;
        return (text[..cut], text[cut..]);
    }

    /// <summary>The token stream of <paramref name="documents"/>: [BOS] doc₁ [BOS] doc₂ ...</summary>
    public static List<int> Tokenize(IEnumerable<string> documents, ITextTokenizer tokenizer)
    {
        var stream = new List<int>();
        foreach (var doc in documents)
        {
            if (tokenizer.BosId is { } bos) stream.Add(bos);
            stream.AddRange(tokenizer.Encode(doc));
        }
        return stream;
    }

    /// <summary>Non-overlapping windows of <paramref name="blockSize"/> + 1 tokens as (inputs, targets)
    /// examples.</summary>
    public static List<CausalLmExample> Blocks(IReadOnlyList<int> stream, int blockSize)
    {
        if (blockSize < 1) throw new ArgumentOutOfRangeException(nameof(blockSize));
        var blocks = new List<CausalLmExample>();
        for (var start = 0; start + blockSize + 1 <= stream.Count; start += blockSize)
        {
            var inputs = new int[blockSize];
            var targets = new int[blockSize];
            for (var j = 0; j < blockSize; j++)
            {
                inputs[j] = stream[start + j];
                targets[j] = stream[start + j + 1];
            }
            blocks.Add(new CausalLmExample(inputs, targets));
        }
        return blocks;
    }
}
