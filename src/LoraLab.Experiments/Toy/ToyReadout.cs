namespace LoraLab.Experiments.Toy;

/// <summary>Which output of the toy network the loss reads (docs/protocol-width-sweep.md §2).</summary>
internal enum ToyReadout
{
    /// <summary>MSE over every coordinate of the adapted layer's output u (the theory's setting).</summary>
    Layer,

    /// <summary>MSE over every coordinate of relu(u): the layer followed by a ReLU. W*·h gives Θ(1) pre-activations,
    /// so the ReLU's kink matters (W* no longer cancels; the loss needs the full n×N output per run).</summary>
    LayerRelu,

    /// <summary>MSE of the frozen linear readout f = wᵀu (one output).</summary>
    Scalar,
}
