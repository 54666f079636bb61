using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LoraLab.Core;

/// <summary>
/// A frozen linear layer plus a rank-r update: y = W·x + b + s·B(A(dropout(x))) (Hu et al. 2021, eq. 3).
/// State-dict names are PEFT's: <c>base_layer.weight</c>, <c>base_layer.bias</c>, <c>lora_A.weight</c> (r, in),
/// <c>lora_B.weight</c> (out, r).
/// </summary>
public sealed class LoraLinear : Module<Tensor, Tensor>
{
    [ComponentName(Name = "base_layer")] private readonly Linear _base;       // W: (out, in), frozen
    [ComponentName(Name = "lora_A")] private readonly Linear _loraA;          // A: (r, in), no bias
    [ComponentName(Name = "lora_B")] private readonly Linear _loraB;          // B: (out, r), no bias
    [ComponentName(Name = "lora_dropout")] private readonly Module<Tensor, Tensor> _dropout;

    /// <summary>Wraps <paramref name="baseLayer"/>; the factors are created (PEFT's draw order: A's nn.Linear, then
    /// B's) and then initialized by <paramref name="init"/>. Weight-aware schemes move s·B·A out of the base weight.
    /// s is derived from <paramref name="rank"/>, <paramref name="alpha"/> and <paramref name="scaling"/>, as in
    /// torchtune's <c>LoRALinear(in_dim, out_dim, rank, alpha, dropout)</c> and PEFT's <c>update_layer</c>.</summary>
    public LoraLinear(Linear baseLayer, int rank, double alpha, LoraInit init,
                      LoraScaling scaling = LoraScaling.AlphaOverR, double initGain = 1.0, double dropout = 0.0)
        : base(nameof(LoraLinear))
    {
        var outFeatures = baseLayer.weight!.shape[0];
        var inFeatures = baseLayer.weight!.shape[1];
        var maxRank = Math.Min(inFeatures, outFeatures);
        if (!LoraInitializer.HasZeroFactor(init) && init != LoraInit.Orthogonal && rank > maxRank)
            throw new LoraLabException($"init '{init}' needs rank <= min(in, out) = {maxRank}, got {rank}",
                                       ExitCodes.Usage);
        _base = baseLayer;
        _loraA = Linear(inFeatures, rank, hasBias: false);
        _loraB = Linear(rank, outFeatures, hasBias: false);
        _dropout = dropout > 0 ? Dropout(dropout) : Identity();
        Rank = rank;
        Alpha = alpha;
        Scaling = scaling;
        Scale = scaling.Factor(rank, alpha);
        Init = init;
        using (no_grad())
        {
            var residual = LoraInitializer.Apply(init, _loraA.weight!, _loraB.weight!, Scale, initGain, _base.weight);
            if (residual is not null)
            {
                _base.weight!.sub_(residual);
                InitialA = _loraA.weight!.detach().clone();
                InitialB = _loraB.weight!.detach().clone();
            }
        }
        RegisterComponents();
        foreach (var p in _base.parameters()) p.requires_grad = false;
    }

    public int Rank { get; }
    public double Alpha { get; }
    public LoraScaling Scaling { get; }
    /// <summary>s = α/r or α/√r, from <see cref="Scaling"/>.</summary>
    public double Scale { get; }
    public LoraInit Init { get; }
    public long InFeatures => _base.weight!.shape[1];
    public long OutFeatures => _base.weight!.shape[0];

    /// <summary>A: (r, in).</summary>
    public Parameter LoraA => _loraA.weight!;
    /// <summary>B: (out, r).</summary>
    public Parameter LoraB => _loraB.weight!;
    public Linear BaseLayer => _base;

    /// <summary>For schemes that moved s·B₀·A₀ out of the base weight (PiSSA, OLoRA, both-random): A₀ and B₀, so
    /// that an adapter relative to the original base weight can be exported (PEFT's weight conversion). Null
    /// otherwise.</summary>
    public Tensor? InitialA { get; }
    public Tensor? InitialB { get; }

    /// <summary>True while s·B·A is folded into the base weight.</summary>
    public bool Merged { get; private set; }

    /// <summary>When set, each forward records the RMS of the LoRA features (Hayou et al.'s Z_A = A·x and
    /// Z_B = s·B·A·x) in <see cref="LastZaRms"/> and <see cref="LastZbRms"/>.</summary>
    public bool TrackFeatures { get; set; }
    public double LastZaRms { get; private set; } = double.NaN;
    public double LastZbRms { get; private set; } = double.NaN;

    public override Tensor forward(Tensor x)                                      // x: (..., in)
    {
        var y = _base.forward(x);                                                 // (..., out)
        if (Merged) return y;
        var za = _loraA.forward(_dropout.forward(x));                             // (..., r)
        if (TrackFeatures) return AddTrackedBranch(y, za);
        // y + s·za·Bᵀ as one addmm: no (..., out) temporaries for s·zb, and its backward is two small GEMMs
        // instead of GEMMs plus elementwise mul/add (docs/performance.md, LoRA linear).
        if (y.dim() == 2) return addmm(y, za, _loraB.weight!.t(), beta: 1, alpha: (float)Scale);
        var y2 = y.reshape(-1, y.shape[^1]);                                      // (N, out), a view
        return addmm(y2, za.reshape(-1, Rank), _loraB.weight!.t(), beta: 1, alpha: (float)Scale).reshape(y.shape);
    }

    Tensor AddTrackedBranch(Tensor y, Tensor za)
    {
        var zb = _loraB.forward(za).mul(Scale);                                   // (..., out)
        using (no_grad())
        {
            LastZaRms = za.square().mean().sqrt().item<float>();
            LastZbRms = zb.square().mean().sqrt().item<float>();
        }
        return y.add(zb);
    }

    /// <summary>ΔW = s·B·A, (out, in).</summary>
    public Tensor DeltaWeight()
    {
        using var noGrad = no_grad();
        return _loraB.weight!.matmul(_loraA.weight!).mul(Scale);
    }

    /// <summary>W ← W + s·B·A; the forward then skips the LoRA branch.</summary>
    public void Merge()
    {
        if (Merged) return;
        using var noGrad = no_grad();
        using var delta = DeltaWeight();
        _base.weight!.add_(delta);
        Merged = true;
    }

    /// <summary>W ← W − s·B·A (restores W to float tolerance).</summary>
    public void Unmerge()
    {
        if (!Merged) return;
        using var noGrad = no_grad();
        using var delta = DeltaWeight();
        _base.weight!.sub_(delta);
        Merged = false;
    }
}
