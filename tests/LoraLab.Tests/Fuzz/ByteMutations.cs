namespace LoraLab.Tests.Fuzz;

/// <summary>Format-blind edits of a file's bytes: bit flips, truncation, inserted random bytes, a deleted
/// range.</summary>
internal static class ByteMutations
{
    public static byte[] Flip(Random random, byte[] f)
    {
        if (f.Length == 0) return f;
        var copy = (byte[])f.Clone();
        for (var n = 1 + random.Next(4); n > 0; n--) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    public static byte[] Truncate(Random random, byte[] f) => f[..random.Next(f.Length + 1)];

    public static byte[] Insert(Random random, byte[] f)
    {
        var bytes = new byte[1 + random.Next(16)];
        random.NextBytes(bytes);
        var at = random.Next(f.Length + 1);
        return [.. f[..at], .. bytes, .. f[at..]];
    }

    public static byte[] Delete(Random random, byte[] f)
    {
        if (f.Length == 0) return f;
        var start = random.Next(f.Length);
        var count = 1 + random.Next(Math.Min(32, f.Length - start));
        return [.. f[..start], .. f[(start + count)..]];
    }
}
