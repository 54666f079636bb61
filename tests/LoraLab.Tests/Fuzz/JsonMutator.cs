using System.Text;
using System.Text.RegularExpressions;

namespace LoraLab.Tests.Fuzz;

/// <summary>
/// Random edits of a JSON file for the fuzz tests: raw byte edits (bit flips, truncation, inserted and deleted bytes)
/// and token edits that keep the rest of the text intact, so they reach the validators: a number, string or whole
/// value replaced by an edge case or another type, a key removed, repeated or added, deep nesting, a stray token.
/// </summary>
internal sealed partial class JsonMutator(Random random)
{
    static readonly string[] Numbers =
        ["-1", "0", "-0", "1", "0.5", "2", "1e309", "-1e309", "1e-400", "2147483648", "-2147483649",
         "9223372036854775808", "NaN", "\"NaN\"", "\"Infinity\"", "1e3", "65", "100000000000", "3.5"];

    static readonly string[] Strings =
        ["\"\"", "\"a\"", "\"b\"", "\"x\"", "\"LORA\"", "\"\\u0000\"", "\"../../x\"", "\"a,b\"", "\"1e-3\"",
         "\"pissa\"", "\"cosine\"", "\"minilm\"", "\"llama2c\"", "\"toy\"", "\"finetune\"", "\"sst2\"", "\"query\"",
         "\"" + new string('a', 5000) + "\"", "\"\\ud800\"", "\"é\""];

    static readonly string[] Values =
        ["null", "true", "false", "[]", "{}", "[1, 2]", "{\"x\": 1}", "\"x\"", "0", "[null]", "[[]]", "[\"a\", \"a\"]"];

    static readonly string[] Snippets = ["{", "}", "[", "]", ",", ":", "\"", "//", "/*", "\\", " ", "\u0000", "\ufeff"];

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][+-]?\d+)?")] private static partial Regex NumberToken();
    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")] private static partial Regex StringToken();
    // "key": scalar-or-flat-array, with its trailing comma
    [GeneratedRegex(
        @"""(?:[^""\\]|\\.)*""\s*:\s*(""(?:[^""\\]|\\.)*""|-?[\d.eE+-]+|true|false|null|\[[^\[\]{}]*\])\s*,?")]
    private static partial Regex Member();

    public byte[] Mutate(byte[] file)
    {
        var result = file;
        for (var n = 1 + random.Next(2); n > 0; n--) result = MutateOnce(result);
        return result;
    }

    byte[] MutateOnce(byte[] f) => random.Next(12) switch
    {
        0 => ByteMutations.Flip(random, f),
        1 => ByteMutations.Truncate(random, f),
        2 => ByteMutations.Insert(random, f),
        3 => ByteMutations.Delete(random, f),
        4 => Text(f, t => ReplaceMatch(t, NumberToken(), Numbers)),
        5 => Text(f, t => ReplaceMatch(t, StringToken(), Strings)),
        6 => Text(f, t => ReplaceMemberValue(t)),
        7 => Text(f, t => RemoveMember(t)),
        8 => Text(f, t => RepeatMember(t)),
        9 => Text(f, t => InsertAfterBrace(t, "\"zz_unknown\": 1, ")),
        10 => Text(f, t => ReplaceMatch(t, NumberToken(), [new string('[', 1000) + new string(']', 1000)])),
        _ => Text(f, t => t.Insert(random.Next(t.Length + 1), Snippets[random.Next(Snippets.Length)])),
    };

    static byte[] Text(byte[] f, Func<string, string> edit) => Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(f)));

    string ReplaceMatch(string text, Regex regex, string[] choices)
    {
        var matches = regex.Matches(text);
        if (matches.Count == 0) return text;
        var m = matches[random.Next(matches.Count)];
        return text[..m.Index] + choices[random.Next(choices.Length)] + text[(m.Index + m.Length)..];
    }

    string ReplaceMemberValue(string text)
    {
        var matches = Member().Matches(text);
        if (matches.Count == 0) return text;
        var value = matches[random.Next(matches.Count)].Groups[1];
        return text[..value.Index] + Values[random.Next(Values.Length)] + text[(value.Index + value.Length)..];
    }

    string RemoveMember(string text)
    {
        var matches = Member().Matches(text);
        if (matches.Count == 0) return text;
        var m = matches[random.Next(matches.Count)];
        return text[..m.Index] + text[(m.Index + m.Length)..];
    }

    string RepeatMember(string text)
    {
        var matches = Member().Matches(text);
        if (matches.Count == 0) return text;
        var m = matches[random.Next(matches.Count)];
        var member = m.Value.TrimEnd().EndsWith(',') ? m.Value : m.Value + ",";
        return text[..m.Index] + member + " " + text[m.Index..];
    }

    string InsertAfterBrace(string text, string member)
    {
        var braces = Enumerable.Range(0, text.Length).Where(i => text[i] == '{').ToList();
        if (braces.Count == 0) return text;
        var at = braces[random.Next(braces.Count)] + 1;
        return text[..at] + member + text[at..];
    }
}
