using static TorchSharp.torch;

namespace LoraLab.Models.Generation;

/// <summary>
/// Keys and values of every attention layer for the positions seen so far, so a decoding step runs only the new
/// token: per layer (B, n_kv_heads, T_past, head_dim) each, before grouped-query repetition. The tensors live outside
/// any dispose scope (a step's scope must not free them); the cache frees them when replaced or disposed.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly (Tensor K, Tensor V)?[] _layers;

    public KvCache(int layers) => _layers = new (Tensor, Tensor)?[layers];

    /// <summary>Positions cached (the position of the next token).</summary>
    public long Length { get; private set; }

    /// <summary>Appends this step's (B, nkv, T_new, hd) keys/values of <paramref name="layer"/>; returns all (B, nkv, T_past + T_new, hd).</summary>
    internal (Tensor K, Tensor V) Append(int layer, Tensor k, Tensor v)
    {
        var (allK, allV) = _layers[layer] is { } past ? (cat([past.K, k], 2), cat([past.V, v], 2)) : (k.alias(), v.alias());
        if (_layers[layer] is { } old) { old.K.Dispose(); old.V.Dispose(); }
        _layers[layer] = (allK.detach().DetachFromDisposeScope(), allV.detach().DetachFromDisposeScope());
        if (layer == _layers.Length - 1) Length = allK.shape[2];
        return (allK, allV);
    }

    /// <summary>Forgets every position (frees the tensors).</summary>
    public void Clear()
    {
        for (var i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is { } old) { old.K.Dispose(); old.V.Dispose(); }
            _layers[i] = null;
        }
        Length = 0;
    }

    public void Dispose() => Clear();
}
