namespace LoraLab.Core;

/// <summary>The factor s in W + s·B·A.</summary>
public enum LoraScaling
{
    /// <summary>s = α/r (Hu et al. 2021; PEFT default).</summary>
    AlphaOverR,

    /// <summary>s = α/√r (rsLoRA, Kalajdzievski 2023; PEFT <c>use_rslora=True</c>).</summary>
    AlphaOverSqrtR,
}

internal static class LoraScalingExtensions
{
    /// <summary>s for a layer of rank <paramref name="rank"/> and α <paramref name="alpha"/>: the one place it is
    /// computed (PEFT <c>LoraLayer.update_layer</c>: <c>lora_alpha / r</c> or
    /// <c>lora_alpha / math.sqrt(r)</c>).</summary>
    public static double Factor(this LoraScaling scaling, int rank, double alpha) => scaling switch
    {
        LoraScaling.AlphaOverR => alpha / rank,
        LoraScaling.AlphaOverSqrtR => alpha / Math.Sqrt(rank),
    };
}
