using LoraLab.Core;
using LoraLab.IO;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LoraLab.Experiments.Packing;

/// <summary>
/// K LoRA adapters of one shape on a single frozen base Linear, trained in one pass. The batch holds K groups along
/// dim 0, (K·N, …, in): group k goes through adapter k. The frozen GEMM runs once on the whole packed batch; the K
/// rank-r branches are one batched matmul. The adapters' A and B are the original runs' own parameters, so each run's
/// optimizer steps them unchanged and the packed run is the K separate runs, to float tolerance.
/// </summary>
internal sealed class PackedLoraLinear : Module<Tensor, Tensor>
{
    [ComponentName(Name = "base_layer")] private readonly Linear _base;    // W: (out, in), frozen, shared
    private readonly IReadOnlyList<LoraLinear> _adapters;                 // not registered: their bases are duplicates
    private readonly Tensor _scales;                                       // (K, 1, 1)

    public PackedLoraLinear(IReadOnlyList<LoraLinear> adapters) : base(nameof(PackedLoraLinear))
    {
        if (adapters.Count == 0) throw new ArgumentException("no adapters to pack");
        var first = adapters[0];
        foreach (var a in adapters)
            if (a.Rank != first.Rank || a.InFeatures != first.InFeatures || a.OutFeatures != first.OutFeatures
                || a.Merged)
                throw new LoraLabException("pack: adapters must share rank and shape and be unmerged", ExitCodes.Usage);
        using (no_grad())
            if (adapters.Any(a => !a.BaseLayer.weight!.eq(first.BaseLayer.weight!).all().item<bool>()))
                throw new LoraLabException("pack: the runs' frozen base weights differ; " +
                                           "only runs on one base model can be packed",
                                           ExitCodes.Usage);
        _base = first.BaseLayer;
        _adapters = adapters;
        _scales = tensor(adapters.Select(a => (float)a.Scale).ToArray()).reshape(-1, 1, 1);
        RegisterComponents();
    }

    public int Count => _adapters.Count;
    public IReadOnlyList<LoraLinear> Adapters => _adapters;

    public override Tensor forward(Tensor x)                                  // x: (K·N, …, in)
    {
        var y = _base.forward(x);                                             // (K·N, …, out)
        var k = _adapters.Count;
        var xk = x.reshape(k, -1, x.shape[^1]);                               // (K, M, in)
        var a = stack(_adapters.Select(l => l.LoraA));                        // (K, r, in)
        var b = stack(_adapters.Select(l => l.LoraB));                        // (K, out, r)
        var za = bmm(xk, a.transpose(1, 2));                                  // (K, M, r)
        var zb = bmm(za, b.transpose(1, 2)).mul(_scales);                     // (K, M, out)
        return y.add(zb.reshape(y.shape));
    }
}
