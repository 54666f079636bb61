namespace LoraLab.Core;

/// <summary>The factor s in W + s·B·A.</summary>
public enum LoraScaling
{
    /// <summary>s = α/r (Hu et al. 2021; PEFT default).</summary>
    AlphaOverR,

    /// <summary>s = α/√r (rsLoRA, Kalajdzievski 2023; PEFT <c>use_rslora=True</c>).</summary>
    AlphaOverSqrtR,
}
