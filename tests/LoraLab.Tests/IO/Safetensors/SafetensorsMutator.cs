using System.Buffers.Binary;
using System.Text;

namespace LoraLab.Tests.IO.Safetensors;

/// <summary>Random edits of a safetensors file for the fuzz test: raw byte edits anywhere, header-length rewrites,
/// and edits of the JSON text that keep the length prefix consistent, so they reach the validator.</summary>
internal sealed class SafetensorsMutator(Random random)
{
    static readonly string[] Numbers =
        ["-1", "0", "1", "7", "2.0", "1e3", "-0", "9223372036854775807", "9223372036854775808",
         "18446744073709551616", "4294967296", "99999999999999999999999"];

    static readonly string[] DTypes = ["F32", "F16", "BF16", "I64", "BOOL", "U8", "U16", "U64", "F8_E4M3", "F4", "C64",
                                       "F31", ""];

    static readonly string[] Snippets = ["{", "}", "[", "]", ",", ":", "\"", " ", "null", "\"x\"", "\\u0000",
                                         "\"__metadata__\""];

    public byte[] Mutate(byte[] file)
    {
        var result = file;
        var edits = 1 + random.Next(3);
        for (var i = 0; i < edits; i++) result = MutateOnce(result);
        return result;
    }

    byte[] MutateOnce(byte[] f) => random.Next(10) switch
    {
        0 => FlipBytes(f, 0, f.Length),
        9 => FlipBytes(f, Math.Min(f.Length, 8 + Math.Max(0, HeaderLength(f))), f.Length),
        1 => FlipBytes(f, 0, Math.Min(f.Length, 8 + HeaderLength(f))),
        2 => f[..random.Next(f.Length + 1)],
        3 => Insert(f, random.Next(f.Length + 1), RandomBytes(1 + random.Next(16))),
        4 => DeleteRange(f),
        5 => RewriteLength(f),
        6 => EditHeader(f, ReplaceNumber),
        7 => EditHeader(f, ReplaceDType),
        _ => EditHeader(f, InsertSnippet),
    };

    byte[] FlipBytes(byte[] f, int from, int to)
    {
        if (to <= from) return f;
        var copy = (byte[])f.Clone();
        for (var n = 1 + random.Next(4); n > 0; n--) copy[random.Next(from, to)] ^= (byte)(1 + random.Next(255));
        return copy;
    }

    byte[] DeleteRange(byte[] f)
    {
        if (f.Length == 0) return f;
        var start = random.Next(f.Length);
        var count = 1 + random.Next(Math.Min(32, f.Length - start));
        return [.. f[..start], .. f[(start + count)..]];
    }

    byte[] RewriteLength(byte[] f)
    {
        if (f.Length < 8) return f;
        var copy = (byte[])f.Clone();
        var n = (ulong)HeaderLength(f);
        ulong[] choices = [0, 1, n - 1, n + 1, n + 8, (ulong)f.Length, (ulong)f.Length - 8, 1UL << 63, ulong.MaxValue,
            100_000_000, 100_000_001, (ulong)random.NextInt64(), (ulong)random.Next(f.Length)];
        BinaryPrimitives.WriteUInt64LittleEndian(copy, choices[random.Next(choices.Length)]);
        return copy;
    }

    /// <summary>Applies a text edit to the header (when it is readable as text) and rewrites the length
    /// prefix.</summary>
    byte[] EditHeader(byte[] f, Func<string, string> edit)
    {
        var n = HeaderLength(f);
        if (f.Length < 8 || n < 0 || 8 + n > f.Length) return f;
        var text = Encoding.UTF8.GetString(f, 8, n);
        var edited = Encoding.UTF8.GetBytes(edit(text));
        var result = new byte[8 + edited.Length + f.Length - 8 - n];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)edited.Length);
        edited.CopyTo(result, 8);
        f.AsSpan(8 + n).CopyTo(result.AsSpan(8 + edited.Length));
        return result;
    }

    string ReplaceNumber(string text)
    {
        var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToList();
        if (digits.Count == 0) return text;
        var start = digits[random.Next(digits.Count)];
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
        while (start > 0 && char.IsAsciiDigit(text[start - 1])) start--;
        return text[..start] + Numbers[random.Next(Numbers.Length)] + text[end..];
    }

    string ReplaceDType(string text)
    {
        var at = text.IndexOf("\"dtype\":\"", random.Next(Math.Max(1, text.Length)) % Math.Max(1, text.Length),
            StringComparison.Ordinal);
        if (at < 0) at = text.IndexOf("\"dtype\":\"", StringComparison.Ordinal);
        if (at < 0) return text;
        var start = at + 9;
        var end = text.IndexOf('"', start);
        return end < 0 ? text : text[..start] + DTypes[random.Next(DTypes.Length)] + text[end..];
    }

    string InsertSnippet(string text)
    {
        var at = random.Next(text.Length + 1);
        return text[..at] + Snippets[random.Next(Snippets.Length)] + text[at..];
    }

    byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    static byte[] Insert(byte[] f, int at, byte[] bytes) => [.. f[..at], .. bytes, .. f[at..]];

    static int HeaderLength(byte[] f)
    {
        if (f.Length < 8) return -1;
        var n = BinaryPrimitives.ReadUInt64LittleEndian(f);
        return n > int.MaxValue ? -1 : (int)n;
    }
}
