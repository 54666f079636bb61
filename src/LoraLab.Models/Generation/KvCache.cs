using LoraLab.IO;
using static TorchSharp.torch;

namespace LoraLab.Models.Generation;

/// <summary>
/// Keys and values of every attention layer for the positions seen so far, so a decoding step runs only the new
/// token. Per layer one (B, n_kv_heads, capacity, head_dim) buffer for keys and one for values (before grouped-query
/// repetition), allocated at the layer's first append with capacity = the model's context: a step writes its new
/// positions in place and attends over a view of the first ones, so nothing is concatenated or allocated per token.
/// For inference: stored keys/values carry no gradient. A cache also keeps what a model derives from its weights to
/// decode faster (<see cref="Fused"/>), so it serves the weights it was filled with, as its keys and values do.
/// The tensors live outside any dispose scope (a step's scope must not free them); <see cref="Dispose"/> frees them.
/// </summary>
public sealed class KvCache(int layers, long capacity) : IDisposable
{
    private readonly (Tensor K, Tensor V)?[] _layers = new (Tensor, Tensor)?[layers];
    // Per layer: the stacked weights (null: not fusable) once built; see Fused.
    private readonly ((Tensor Weight, Tensor? Bias)? Fused, bool Built)[] _qkv = new ((Tensor, Tensor?)?, bool)[layers];
    private readonly ((Tensor Weight, Tensor? Bias)? Fused, bool Built)[] _gateUp =
        new ((Tensor, Tensor?)?, bool)[layers];

    /// <summary>Positions cached (the position of the next token).</summary>
    public long Length { get; private set; }

    /// <summary>Writes this step's (B, nkv, T_new, hd) keys/values of <paramref name="layer"/> after the cached
    /// positions; returns views of all (B, nkv, T_past + T_new, hd). Every layer appends once per step, in
    /// order.</summary>
    internal (Tensor K, Tensor V) Append(int layer, Tensor k, Tensor v)
    {
        var t = k.size(2);
        var end = Length + t;
        if (end > capacity)
            throw new LoraLabException($"KV cache holds {capacity} positions; {Length} cached + {t} new do not fit");
        if (_layers[layer] is not { } buffers || (Length == 0 && !Fits(buffers.K, k))) // new, or another batch shape
        {
            Free(layer);
            buffers = (Buffer(k), Buffer(v));
            _layers[layer] = buffers;
        }
        using (no_grad())
        {
            buffers.K.narrow(2, Length, t).copy_(k);
            buffers.V.narrow(2, Length, t).copy_(v);
        }
        if (layer == _layers.Length - 1) Length = end;
        return (buffers.K.narrow(2, 0, end), buffers.V.narrow(2, 0, end));
    }

    /// <summary>Layer <paramref name="layer"/>'s projections <paramref name="which"/> as one weight (and bias), from
    /// <paramref name="fuse"/> at the layer's first call (null: the layer cannot fuse them); built without gradient,
    /// for decoding.</summary>
    internal (Tensor Weight, Tensor? Bias)? Fused(int layer, FusedProjection which,
        Func<(Tensor Weight, Tensor? Bias)?> fuse)
    {
        var slots = Slots(which);
        if (slots[layer] is { Built: true } built) return built.Fused;
        using (no_grad())
        {
            var fused = fuse();
            fused?.Weight.DetachFromDisposeScope();
            fused?.Bias?.DetachFromDisposeScope();
            slots[layer] = (fused, true);
            return fused;
        }
    }

    private ((Tensor Weight, Tensor? Bias)? Fused, bool Built)[] Slots(FusedProjection which) => which switch
    {
        FusedProjection.Qkv => _qkv,
        FusedProjection.GateUp => _gateUp,
    };

    // (B, nkv, capacity, hd) like x (B, nkv, T, hd).
    private Tensor Buffer(Tensor x) =>
        empty([x.shape[0], x.shape[1], capacity, x.shape[3]], x.dtype, x.device).DetachFromDisposeScope();

    private static bool Fits(Tensor buffer, Tensor x) =>
        buffer.dtype == x.dtype && buffer.device_type == x.device_type && buffer.device_index == x.device_index
        && buffer.shape[0] == x.shape[0]
        && buffer.shape[1] == x.shape[1] && buffer.shape[3] == x.shape[3];

    private void Free(int layer)
    {
        if (_layers[layer] is { } old) { old.K.Dispose(); old.V.Dispose(); }
        _layers[layer] = null;
    }

    /// <summary>Forgets every position (the buffers are kept for the next positions).</summary>
    public void Clear() => Length = 0;

    public void Dispose()
    {
        for (var i = 0; i < _layers.Length; i++)
        {
            Free(i);
            foreach (var slots in new[] { _qkv, _gateUp })
            {
                if (slots[i].Fused is var (weight, bias)) { weight.Dispose(); bias?.Dispose(); }
                slots[i] = default;
            }
        }
        Length = 0;
    }
}

/// <summary>Projections of one input that a decoding step runs as one GEMM (<see cref="KvCache.Fused"/>).</summary>
internal enum FusedProjection
{
    /// <summary>Attention's q_proj, k_proj, v_proj.</summary>
    Qkv,
    /// <summary>The SwiGLU MLP's gate_proj and up_proj.</summary>
    GateUp,
}
