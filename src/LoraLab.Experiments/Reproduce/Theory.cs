namespace LoraLab.Experiments.Reproduce;

/// <summary>The exponents the theory predicts (docs/protocol-width-sweep.md §3).</summary>
internal static class Theory
{
    /// <summary>Max stable (and optimal) LR ∝ n^slope: γ-calculus with Adam ≈ sign updates (Hayou, Ghosh &amp; Yu
    /// 2024).
    /// layer-relu: as layer (the ReLU's derivative is Θ(1) at Θ(1) pre-activations); scalar: w entries ~
    /// 1/√n.</summary>
    public static double? WidthSlope(string readout, string init) => (readout, init) switch
    {
        ("layer" or "layer-relu", "A") => -0.5,
        ("layer" or "layer-relu", "B") => -1.0,
        ("scalar", "A") => -0.75,
        ("scalar", "B") => -1.0,
        _ => null,
    };

    /// <summary>η* ∝ r^slope at fixed width for the rank settings of Chen, Villar &amp; Hayou (arXiv 2602.06204, 2026),
    /// α_eff = the multiplier of B·A. A paper we could read only in part: these are its stated predictions.</summary>
    public static double? RankSlope(string setting) => setting switch
    {
        "a-alpha-over-r" => 0,
        "a-alpha-eff-1" => -0.5,
        "a-rslora" => -0.25,
        "b-alpha-eff-1" => 0,
        _ => null,
    };
}
