using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LoraLab.Models.Mlp;

/// <summary>
/// A two-layer perceptron, x → fc2(relu(fc1(x))): the smallest model LoRA can be put on, for inspecting inits and for
/// tests. Linear layers sit in <c>Module&lt;Tensor, Tensor&gt;</c> fields so that LoRA can replace them.
/// </summary>
public sealed class MlpModel : Module<Tensor, Tensor>
{
    [ComponentName(Name = "fc1")] private Module<Tensor, Tensor> _fc1;   // (hidden, in)
    [ComponentName(Name = "fc2")] private Module<Tensor, Tensor> _fc2;   // (out, hidden)

    public MlpModel(MlpSpec spec) : base(nameof(MlpModel))
    {
        Spec = spec;
        _fc1 = Linear(spec.In, spec.Hidden);
        _fc2 = Linear(spec.Hidden, spec.Out);
        RegisterComponents();
    }

    public MlpSpec Spec { get; }

    /// <summary>LoRA targets when the config names none: both layers.</summary>
    public static IReadOnlyList<string> DefaultTargets { get; } = ["fc1", "fc2"];

    public override Tensor forward(Tensor x) =>                          // x: (batch, in)
        _fc2.forward(functional.relu(_fc1.forward(x)));                  // (batch, out)
}
