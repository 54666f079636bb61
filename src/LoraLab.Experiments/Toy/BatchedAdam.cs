using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

/// <summary>
/// Adam (no weight decay, no AMSGrad) over K independent configurations stacked on dimension 0, each with its own
/// learning rate. Per configuration it is exactly TorchSharp's/PyTorch's torch.optim.Adam:
/// m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p − (lr/(1−β1ᵗ))·m/(√v/√(1−β2ᵗ) + ε).
/// All state and scratch tensors are allocated once (fresh pages are expensive here, docs/reference/feasibility.md
/// §1.4). </summary>
internal sealed class BatchedAdam : IDisposable
{
    readonly Tensor[] _params, _m, _v, _denom, _update;
    readonly Tensor[] _lr;      // per parameter: (K,) float32, mutable (a dead configuration gets 0)
    readonly double _beta1, _beta2, _eps;
    long _step;

    /// <param name="learningRates">Per parameter, one LR per configuration (length K each).</param>
    public BatchedAdam(Tensor[] parameters, double[][] learningRates, double beta1, double beta2, double eps)
        : this(parameters, learningRates.Select(lrs => tensor(lrs.Select(x => (float)x).ToArray())).ToArray(),
               beta1, beta2, eps)
    {
    }

    public long StepCount => _step;

    /// <summary>A new optimiser over <paramref name="parameters"/> (already reduced to <paramref name="rows"/>) whose
    /// state is this one's rows <paramref name="rows"/>: how a batch drops configurations that have diverged.</summary>
    public BatchedAdam Keep(Tensor rows, Tensor[] parameters)
    {
        var lrs = _lr.Select(lr => lr.index_select(0, rows).DetachFromDisposeScope()).ToArray();
        var kept = new BatchedAdam(parameters, lrs, _beta1, _beta2, _eps) { _step = _step };
        for (int i = 0; i < _params.Length; i++)
        {
            kept._m[i].copy_(_m[i].index_select(0, rows));
            kept._v[i].copy_(_v[i].index_select(0, rows));
        }
        return kept;
    }

    BatchedAdam(Tensor[] parameters, Tensor[] lrs, double beta1, double beta2, double eps)
    {
        _params = parameters;
        _m = parameters.Select(State).ToArray();
        _v = parameters.Select(State).ToArray();
        _denom = parameters.Select(State).ToArray();
        _update = parameters.Select(State).ToArray();
        _lr = lrs.Select(lr => lr.DetachFromDisposeScope()).ToArray();
        (_beta1, _beta2, _eps) = (beta1, beta2, eps);
    }

    /// <summary>One update of every parameter with its gradient (same order as the constructor's parameters).</summary>
    public void Step(Tensor[] grads)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _step++;
        var bias1 = 1 - Math.Pow(_beta1, _step);
        // Scalars held to the end of the step: an implicit double → Scalar temporary can be finalized while the
        // native op still reads it (seen as a failed toFloat check with several runs on threads).
        using Scalar beta1 = _beta1, beta2 = _beta2, oneMinusBeta1 = 1 - _beta1, oneMinusBeta2 = 1 - _beta2, eps = _eps;
        using Scalar bias2Sqrt = Math.Sqrt(1 - Math.Pow(_beta2, _step));
        for (int i = 0; i < _params.Length; i++)
        {
            var p = _params[i];
            var shape = new long[p.dim()];
            Array.Fill(shape, 1L);
            shape[0] = p.shape[0];
            var stepSize = (_lr[i] / bias1).reshape(shape);                  // (K, 1, ..., 1)
            _m[i].mul_(beta1).add_(grads[i], alpha: oneMinusBeta1);
            _v[i].mul_(beta2).addcmul_(grads[i], grads[i], value: oneMinusBeta2);
            var d = _denom[i];
            d.copy_(_v[i]).sqrt_().div_(bias2Sqrt).add_(eps);            // √v/√(1−β2ᵗ) + ε
            p.sub_(_update[i].copy_(_m[i]).mul_(stepSize).div_(d));       // (step·m)/denom, as addcdiv orders it
        }
    }

    static Tensor State(Tensor p) => zeros_like(p).DetachFromDisposeScope();

    public void Dispose()
    {
        foreach (var t in _m.Concat(_v).Concat(_denom).Concat(_update)) t.Dispose();
        foreach (var lr in _lr) lr.Dispose();
    }
}
