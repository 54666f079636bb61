using LoraLab.IO;

namespace LoraLab.Experiments.Sweeps;

/// <summary><c>k/N</c>: shard k of N takes the runs whose plan index i has i mod N = k (round-robin, so cheap and
/// expensive configs mix). N is given explicitly, never read from Slurm's task count (docs/reference/distributed.md
/// §2).</summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    public static readonly ShardSpec All = new(0, 1);

    public bool Contains(int runIndex) => runIndex % Count == Index;

    public static ShardSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return All;
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out var k) && int.TryParse(parts[1], out var n) && n >= 1
            && k >= 0 && k < n)
            return new ShardSpec(k, n);
        throw new LoraLabException($"--shard expects k/N with 0 <= k < N, got '{text}'", ExitCodes.Usage);
    }

    public override string ToString() => $"{Index}/{Count}";
}
