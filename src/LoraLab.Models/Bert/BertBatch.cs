using LoraLab.IO;

using static TorchSharp.torch;

namespace LoraLab.Models.Bert;

/// <summary>Collates tokenized examples into one right-padded batch, padded to the longest example (dynamic
/// padding).</summary>
public static class BertBatch
{
    /// <summary>(B, T_max) input ids / attention mask / token-type ids as int64, T_max = the longest example.</summary>
    public static BertInput Collate(IReadOnlyList<BertEncoding> examples, int padId = 0)
    {
        if (examples.Count == 0) throw new LoraLabException("cannot collate an empty batch");
        var b = examples.Count;
        var t = examples.Max(e => e.Length);
        var ids = new long[b * t];
        var mask = new long[b * t];
        var types = new long[b * t];
        Array.Fill(ids, padId);
        for (var i = 0; i < b; i++)
        {
            var e = examples[i];
            for (var j = 0; j < e.Length; j++)
            {
                ids[i * t + j] = e.InputIds[j];
                mask[i * t + j] = 1;
                types[i * t + j] = e.TokenTypeIds[j];
            }
        }
        long[] shape = [b, t];
        return new BertInput(tensor(ids, shape), tensor(mask, shape), tensor(types, shape));
    }
}
