namespace LoraLab.Experiments.WidthSweep;

/// <summary>Which output of the toy network the loss reads (docs/protocol-width-sweep.md §2).</summary>
public enum ToyReadout
{
    /// <summary>MSE over every coordinate of the adapted layer's output u (the theory's setting).</summary>
    Layer,

    /// <summary>MSE of the frozen linear readout f = wᵀu (one output).</summary>
    Scalar,
}
