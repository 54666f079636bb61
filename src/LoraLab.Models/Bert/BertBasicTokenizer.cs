using System.Globalization;
using System.Text;
using LoraLab.Models.Tokenizers;

namespace LoraLab.Models.Bert;

/// <summary>
/// The text-to-words half of a BERT tokenizer, as Hugging Face tokenizers' BertNormalizer + BertPreTokenizer do it
/// (what transformers' BertTokenizerFast runs; tokenizers/src/normalizers/bert.rs, pre_tokenizers/bert.rs):
/// clean_text (drop NUL, U+FFFD and other/control characters; every whitespace, tab and newline included, becomes a
/// space), spaces around CJK ideographs, strip_accents (NFD, then drop nonspacing marks; Hangul syllables become
/// their jamo), lowercase, then split on whitespace and isolate each punctuation character. NFD comes from
/// <see cref="UnicodeNfc"/> because InvariantGlobalization leaves string.Normalize the identity.
/// </summary>
internal static class BertBasicTokenizer
{
    public static List<string> Words(string text, bool lowerCase, bool stripAccents)
    {
        var normalized = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var cp = rune.Value;
            if (cp is 0 or 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune)) normalized.Append(' ');
            else if (IsCjk(cp)) Append(normalized.Append(' '), rune).Append(' ');
            else Append(normalized, rune);
        }
        var cleaned = normalized.ToString();
        if (stripAccents)
        {
            normalized.Clear();
            foreach (var rune in UnicodeNfc.Decompose(cleaned).EnumerateRunes())
                if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark) Append(normalized, rune);
            cleaned = normalized.ToString();
        }
        if (lowerCase) cleaned = cleaned.ToLowerInvariant();

        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in cleaned.EnumerateRunes())
        {
            if (IsWhitespace(rune) || IsPunctuation(rune))
            {
                if (word.Length > 0) words.Add(word.ToString());
                word.Clear();
                if (!IsWhitespace(rune)) words.Add(rune.ToString());
            }
            else Append(word, rune);
        }
        if (word.Length > 0) words.Add(word.ToString());
        return words;
    }

    private static StringBuilder Append(StringBuilder builder, Rune rune)
    {
        Span<char> utf16 = stackalloc char[2];
        return builder.Append(utf16[..rune.EncodeToUtf16(utf16)]);
    }

    // bert.rs: '\t', '\n', '\r' count as whitespace; otherwise the "Other" categories (Cc, Cf, Cn, Co) are control.
    private static bool IsControl(Rune rune) => rune.Value is not ('\t' or '\n' or '\r')
        && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse;

    private static bool IsWhitespace(Rune rune) => rune.Value is '\t' or '\n' or '\r' or ' ' || Rune.IsWhiteSpace(rune);

    // ASCII punctuation (including $+<=>^`| which Unicode calls symbols) or any Unicode punctuation category.
    private static bool IsPunctuation(Rune rune) =>
        rune.Value is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;

    // The CJK Unified Ideographs blocks BERT pads with spaces (bert.rs is_chinese_char).
    private static bool IsCjk(int cp) => cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF
        or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F
        or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
