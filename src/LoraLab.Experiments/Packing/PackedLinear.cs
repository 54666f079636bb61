using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LoraLab.Experiments.Packing;

/// <summary>K trainable Linear layers (one per packed run, e.g. each run's classifier head) applied group by group:
/// (K·N, …, in) → (K·N, …, out), group k through layer k.</summary>
internal sealed class PackedLinear : Module<Tensor, Tensor>
{
    private readonly IReadOnlyList<Linear> _layers;                        // the runs' own heads (their parameters)

    public PackedLinear(IReadOnlyList<Linear> layers) : base(nameof(PackedLinear))
    {
        _layers = layers;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)                                  // x: (K·N, …, in)
    {
        var k = _layers.Count;
        var xk = x.reshape(k, -1, x.shape[^1]);                               // (K, M, in)
        var w = stack(_layers.Select(l => (Tensor)l.weight!));                 // (K, out, in)
        var y = bmm(xk, w.transpose(1, 2));                                    // (K, M, out)
        if (_layers[0].bias is not null) y = y.add(stack(_layers.Select(l => (Tensor)l.bias!)).unsqueeze(1));
        var shape = x.shape.ToArray();
        shape[^1] = w.shape[1];
        return y.reshape(shape);
    }
}
