namespace LoraLab.Experiments.Sweeps;

/// <summary>One replay of a search over what is known: the lattice indexes it needs next, or its result.</summary>
internal sealed record SearchStep<T>(IReadOnlyList<int> Need, T? Result, string? Failure = null) where T : class
{
    public bool Done => Need.Count == 0;
    public static SearchStep<T> Needs(params int[] j) => new(j, null);
    public static SearchStep<T> Finished(T result) => new([], result);
    public static SearchStep<T> Failed(string why) => new([], null, why);
}
