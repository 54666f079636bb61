namespace LoraLab.Experiments.Toy;

/// <summary>The multiplier α_eff of B·A in the toy (u = (W* + α_eff·B·A)·h).</summary>
internal enum ToyScaling
{
    /// <summary>α_eff = α/r (PEFT's default; fixed α gives α_eff ∝ 1/r).</summary>
    AlphaOverR,

    /// <summary>α_eff = α/√r (rsLoRA).</summary>
    AlphaOverSqrtR,

    /// <summary>α_eff = α at every rank (e.g. α = 1: "α_eff = 1").</summary>
    Alpha,
}
