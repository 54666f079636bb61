using LoraLab.IO.Config;

namespace LoraLab.Tests.Experiments.Sweeps;

/// <summary>Config of the test-only run kind: a closed-form "loss" over (init, lr, seed, task).</summary>
public sealed record SyntheticConfig : IValidatable
{
    public string Init { get; init; } = "a";
    public double Lr { get; init; } = 1e-3;
    public long Seed { get; init; }
    public string Task { get; init; } = "t1";
    public int Width { get; init; } = 8;
    public int Threads { get; init; } = 1;
    /// <summary>LRs above this diverge.</summary>
    public double DivergeAbove { get; init; } = 1;
    /// <summary>Throws when true (a failing run).</summary>
    public bool Fail { get; init; }
    /// <summary>Milliseconds to sleep (for kill tests).</summary>
    public int SleepMs { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Init is not ("a" or "b")) yield return $"init must be a or b, got {Init}";
        if (!(Lr > 0)) yield return $"lr must be > 0, got {Lr}";
    }
}
