using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// The <c>search</c> block of a sweep spec: instead of a grid axis, <see cref="Key"/> (a dotted config path, e.g.
/// <c>lr</c> or <c>optim.lr</c>) is searched per grid point. Every probe is a value on the lattice
/// <c>start · resolution^j</c> (j an integer), so probes of different searches coincide and ids are reproducible.
/// </summary>
public sealed record SearchSpec : IValidatable
{
    public string Key { get; init; } = "lr";
    public List<SearchStrategy> Strategies { get; init; } = [SearchStrategy.Edge];
    /// <summary>The first probe (lattice index 0).</summary>
    public double Start { get; init; } = 1e-3;
    /// <summary>The lattice factor and the edge's final bracket width (2^(1/8) ≈ 1.0905 by default).</summary>
    public double Resolution { get; init; } = 1.0905077326652577;
    /// <summary>The factor of the bracketing walk and of the optimum's coarse walk (a power of resolution).</summary>
    public double BracketFactor { get; init; } = 2;
    /// <summary>Probes stay within [min, max]; an edge or minimum beyond is reported as not bracketed.</summary>
    public double Min { get; init; } = 1e-8;
    public double Max { get; init; } = 10;
    /// <summary>The metric the optimum minimises (its log is fitted); must be one the run kind reports.</summary>
    public string Metric { get; init; } = "final_train_loss";

    /// <summary>Lattice steps per bracket factor.</summary>
    [JsonIgnore]
    public int BracketSteps => (int)Math.Round(Math.Log(BracketFactor) / Math.Log(Resolution));

    [JsonIgnore]
    public int MinIndex => (int)Math.Ceiling(Math.Log(Min / Start) / Math.Log(Resolution) - 1e-9);

    [JsonIgnore]
    public int MaxIndex => (int)Math.Floor(Math.Log(Max / Start) / Math.Log(Resolution) + 1e-9);

    /// <summary>The value at lattice index <paramref name="j"/>.</summary>
    public double Value(int j) => Start * Math.Pow(Resolution, j);

    public bool Has(SearchStrategy strategy) => Strategies.Contains(strategy);

    public static SearchSpec Parse(JsonNode? node, string source)
    {
        if (node is not JsonObject obj)
            throw new LoraLabException($"{source}: 'search' must be an object", ExitCodes.Usage);
        return ConfigLoader.FromTree<SearchSpec>(obj, null, $"{source}: search");
    }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Key)) yield return "key must be a config key such as lr";
        if (Strategies.Count == 0 || Strategies.Distinct().Count() != Strategies.Count)
            yield return "strategies must list edge and/or optimum, each once";
        if (!(Start > 0) || double.IsInfinity(Start)) yield return $"start must be a finite number > 0, got {Start}";
        if (!(Resolution > 1) || double.IsInfinity(Resolution))
            yield return $"resolution must be > 1, got {Resolution}";
        else
        {
            var steps = Math.Log(BracketFactor) / Math.Log(Resolution);
            if (!(BracketFactor > 1) || Math.Abs(steps - Math.Round(steps)) > 1e-6 || Math.Round(steps) < 2)
                yield return $"bracket_factor must be resolution^k for an integer k >= 2, " +
                    $"got {BracketFactor} (resolution {Resolution})";
            else if (Has(SearchStrategy.Optimum) && BracketSteps % 2 != 0)
                yield return "optimum: bracket_factor must be an even power of resolution " +
                    "(the refinement halves the coarse step)";
        }
        if (!(Min > 0 && Min <= Start && Start <= Max) || double.IsInfinity(Max))
            yield return $"min <= start <= max must hold with min > 0, got {Min}, {Start}, {Max}";
        if (string.IsNullOrWhiteSpace(Metric)) yield return "metric must name a metric of the run kind";
    }
}
