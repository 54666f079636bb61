using LoraLab.IO;
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
        Tensor? initialA = null, initialB = null;
        using (no_grad())
        {
            var residual = LoraInitializer.Apply(init, _loraA.weight!, _loraB.weight!, Scale, initGain, _base.weight);
            if (residual is not null)
            {
                _base.weight!.sub_(residual);
                initialA = _loraA.weight!.detach().clone();
                initialB = _loraB.weight!.detach().clone();
            }
        }
        RegisterComponents();
        // Set after registration: RegisterComponents makes every non-null Tensor field a buffer, and A₀/B₀ would
        // then enter state_dict() (and `loralab merge` wrote them into the merged model as "<InitialA>k__…").
        (InitialA, InitialB) = (initialA, initialB);
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

    /// <summary>When set, every training-mode forward adds the mean squares of the LoRA features (Hayou et al.'s
    /// Z_A = A·x and Z_B = s·B·A·x) to running sums kept as a tensor: no host read per step, and the fused forward is
    /// kept (Z_B's mean square comes from the r × r Gram matrix BᵀB, not from an (..., out) tensor).
    /// <see cref="TakeFeatureRms"/> reads them.</summary>
    public bool TrackFeatures { get; set; }
    Tensor? _featureSums;                                   // (3,) f64: Σ ms(Z_A), Σ ms(Z_B), forwards

    public override Tensor forward(Tensor x)                                      // x: (..., in)
    {
        var y = _base.forward(x);                                                 // (..., out)
        if (Merged) return y;
        var za = _loraA.forward(_dropout.forward(x));                             // (..., r)
        if (TrackFeatures && training) AccumulateFeatures(za);
        // y + s·za·Bᵀ as one addmm: no (..., out) temporaries for s·zb, and its backward is two small GEMMs
        // instead of GEMMs plus elementwise mul/add (docs/performance.md, LoRA linear).
        if (y.dim() == 2) return addmm(y, za, _loraB.weight!.t(), beta: 1, alpha: (float)Scale);
        var y2 = y.reshape(-1, y.shape[^1]);                                      // (N, out), a view
        return addmm(y2, za.reshape(-1, Rank), _loraB.weight!.t(), beta: 1, alpha: (float)Scale).reshape(y.shape);
    }

    void AccumulateFeatures(Tensor za)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var z = za.detach().reshape(-1, Rank);                                    // (N, r)
        var b = _loraB.weight!.detach();                                          // (out, r)
        var zz = z.t().matmul(z);                                                 // (r, r) = ZᵀZ: one pass over Z
        var n = (double)z.shape[0];
        // ms(Z_A) = tr(ZᵀZ) / (N·r);  ‖s·Z·Bᵀ‖² = s²·Σ (ZᵀZ) ∘ (BᵀB): O(N·r²), no (N, r) or (N, out) temporaries
        var msA = zz.trace().div(n * Rank);
        var msB = zz.mul(b.t().matmul(b)).sum().mul(Scale * Scale / (n * OutFeatures));
        FeatureSums.add_(stack([msA, msB, ones([], dtype: msA.dtype)]).to(float64));
    }

    /// <summary>The running sums (3,) f64 behind <see cref="TakeFeatureRms"/> (saved in finetune
    /// checkpoints).</summary>
    public Tensor FeatureSums => _featureSums ??= zeros(3, dtype: float64).DetachFromDisposeScope();

    /// <summary>(2,) f64: RMS of Z_A and of Z_B over the training forwards since the last call (NaN when there was
    /// none), then resets the sums. A tensor: the caller decides when to read it.</summary>
    public Tensor TakeFeatureRms()
    {
        var sums = FeatureSums;
        var rms = sums[..2].div(sums[2]).sqrt();                                  // 0/0 = NaN without forwards
        sums.zero_();
        return rms;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _featureSums?.Dispose();
        base.Dispose(disposing);
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
