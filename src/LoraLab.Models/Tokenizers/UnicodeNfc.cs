using System.Globalization;
using System.Text;

namespace LoraLab.Models.Tokenizers;

/// <summary>
/// Unicode Normalization Forms C and D (UAX #15: canonical decomposition, canonical ordering, canonical composition)
/// without ICU. The build runs with InvariantGlobalization, where string.Normalize returns non-ASCII text unchanged
/// (tested: "e" + U+0301 stays two characters and IsNormalized says true), so Qwen2's NFC normalizer and BERT's
/// accent stripping (NFD) need this. The tables
/// (UnicodeNfc.txt, embedded) are generated from the Unicode 15.0.0 UnicodeData.txt and
/// DerivedNormalizationProps.txt by tools/make_nfc_data.py; Hangul syllables are composed algorithmically (§3.12).
/// Checked against Unicode's NormalizationTest.txt and HF tokenizers' NFC normalizer in the tests.
/// </summary>
internal static class UnicodeNfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Tables Data = Tables.Load();

    /// <summary>The NFC form of <paramref name="text"/> (the same string when nothing changes).</summary>
    public static string Normalize(string text)
    {
        // Below U+0300 every character is its own NFC and nothing there combines with its neighbour.
        if (!text.AsSpan().ContainsAnyInRange('\u0300', '\uffff')) return text;
        var cps = Decomposed(text);
        Compose(cps);
        return Text(cps, text.Length);
    }

    /// <summary>The NFD form of <paramref name="text"/> (canonical decomposition and ordering; BERT's accent
    /// stripping).</summary>
    public static string Decompose(string text) =>
        // Below U+00C0 no character has a canonical decomposition.
        text.AsSpan().ContainsAnyInRange('\u00c0', '\uffff') ? Text(Decomposed(text), text.Length) : text;

    private static List<int> Decomposed(string text)
    {
        var cps = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, cps);
        Reorder(cps);
        return cps;
    }

    private static string Text(List<int> cps, int capacity)
    {
        var builder = new StringBuilder(capacity);
        foreach (var cp in cps) builder.Append(char.ConvertFromUtf32(cp));
        return builder.ToString();
    }

    /// <summary>The canonical combining class of a code point (0 for starters).</summary>
    public static int CombiningClass(int cp) => Data.Ccc.TryGetValue(cp, out var ccc) ? ccc : 0;

    private static void Decompose(int cp, List<int> into)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var s = cp - SBase;
            into.Add(LBase + s / NCount);
            into.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) into.Add(TBase + s % TCount);
        }
        else if (Data.Decomposition.TryGetValue(cp, out var parts))
            foreach (var part in parts) Decompose(part, into);
        else into.Add(cp);
    }

    // Canonical ordering: a stable sort by combining class of every run of non-starters.
    private static void Reorder(List<int> cps)
    {
        for (var i = 1; i < cps.Count; i++)
        {
            var ccc = CombiningClass(cps[i]);
            if (ccc == 0) continue;
            for (var j = i; j > 0 && CombiningClass(cps[j - 1]) > ccc; j--) (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
        }
    }

    // Canonical composition: each character joins the last starter unless a character between them blocks it
    // (one with class 0, or with a class >= its own).
    private static void Compose(List<int> cps)
    {
        if (cps.Count == 0) return;
        var (starter, written) = (0, 1);
        var lastClass = CombiningClass(cps[0]) == 0 ? 0 : 256; // a leading non-starter composes with nothing
        for (var i = 1; i < cps.Count; i++)
        {
            var (cp, ccc) = (cps[i], CombiningClass(cps[i]));
            if ((lastClass < ccc || lastClass == 0) && Composite(cps[starter], cp) is { } composite)
            {
                cps[starter] = composite;
                continue;
            }
            if (ccc == 0) starter = written;
            lastClass = ccc;
            cps[written++] = cp;
        }
        cps.RemoveRange(written, cps.Count - written);
    }

    private static int? Composite(int first, int second)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
            return SBase + ((first - LBase) * VCount + second - VBase) * TCount;
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0
            && second is > TBase and < TBase + TCount)
            return first + second - TBase;
        return Data.Composition.TryGetValue(((long)first << 21) | (uint)second, out var c) ? c : null;
    }

    private sealed record Tables(Dictionary<int, int> Ccc, Dictionary<int, int[]> Decomposition,
        Dictionary<long, int> Composition)
    {
        public static Tables Load()
        {
            var tables = new Tables(new(), new(), new());
            using var stream = typeof(UnicodeNfc).Assembly.GetManifestResourceStream("LoraLab.Models.UnicodeNfc.txt")
                               ?? throw new InvalidOperationException("UnicodeNfc.txt is not embedded");
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#') continue;
                var f = line.Split(' ');
                var n = f.Skip(1).Select(x => int.Parse(x, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
                    .ToArray();
                switch (f[0])
                {
                    case "c":
                        var ccc = int.Parse(f[3], CultureInfo.InvariantCulture); // decimal, unlike the code points
                        for (var cp = n[0]; cp <= n[1]; cp++) tables.Ccc[cp] = ccc;
                        break;
                    case "p":
                        tables.Decomposition[n[0]] = n[1..];
                        tables.Composition[((long)n[1] << 21) | (uint)n[2]] = n[0];
                        break;
                    case "d":
                        tables.Decomposition[n[0]] = n[1..];
                        break;
                    default:
                        throw new InvalidOperationException($"UnicodeNfc.txt: unknown line '{line}'");
                }
            }
            return tables;
        }
    }
}
