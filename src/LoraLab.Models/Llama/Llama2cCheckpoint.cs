using System.Runtime.InteropServices;
using LoraLab.IO;
using LoraLab.IO.Checkpoints;
using static TorchSharp.torch;

namespace LoraLab.Models.Llama;

/// <summary>
/// Reads llama2.c "legacy" (version 0) checkpoints (llama2.c export.py <c>legacy_export</c>; data/SOURCES.md §1a):
/// a 28-byte header of 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len)
/// then float32 arrays, each group for all layers in a row. A negative vocab_size means a separate classifier
/// (wcls) follows the RoPE tables.
/// </summary>
/// <remarks>
/// RoPE: llama2.c rotates interleaved pairs (2i, 2i+1). By default we permute the rows of wq and wk into HF's
/// half-split order (HF convert_llama_weights_to_hf.py <c>permute</c>) and build a <see cref="RopeLayout.HalfSplit"/>
/// model, because then the same model saves as a genuine HF Llama checkpoint (<see cref="HfLlama.Save"/>) that HF
/// transformers and PEFT read as is. Pass <see cref="RopeLayout.Interleaved"/> to keep llama2.c's rows and rotation;
/// both give the same logits up to float rounding.
/// </remarks>
public static class Llama2cCheckpoint
{
    private const int HeaderBytes = 7 * sizeof(int);
    private const int VersionedMagic = 0x616b3432; // "ak42": llama2.c export.py version 1/2 files

    public static LlamaModel Load(string path, RopeLayout ropeLayout = RopeLayout.HalfSplit)
    {
        if (!File.Exists(path)) throw new LoraLabException($"llama2.c checkpoint not found: {path}");
        var bytes = File.ReadAllBytes(path);
        var (config, sharedClassifier) = ReadHeader(bytes, path, ropeLayout);
        var floatCount = FloatCount(config, sharedClassifier);
        var expectedBytes = HeaderBytes + 4 * floatCount;
        if (bytes.LongLength != expectedBytes)
            throw new LoraLabException(
                $"{path}: file is {bytes.LongLength} bytes but its header (dim {config.Dim}, hidden_dim " +
                $"{config.HiddenDim}, n_layers {config.NLayers}, vocab {config.VocabSize}) needs {expectedBytes}; " +
                "the file is truncated or corrupt");
        var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(HeaderBytes)).ToArray();
        var model = new LlamaModel(config);
        StateDictLoader.Load(model, ToHfStateDict(floats, config, sharedClassifier), path);
        return model;
    }

    private static (LlamaConfig Config, bool SharedClassifier) ReadHeader(byte[] bytes, string path, RopeLayout layout)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("llama2.c files are little-endian");
        if (bytes.Length < HeaderBytes)
            throw new LoraLabException($"{path}: file is {bytes.Length} bytes, " +
                                       "shorter than the 28-byte llama2.c header");
        var h = MemoryMarshal.Cast<byte, int>(bytes.AsSpan(0, HeaderBytes));
        if (h[0] == VersionedMagic)
            throw new LoraLabException($"{path}: llama2.c version 1/2 export (magic \"ak42\") is not supported; " +
                                       "export with --version 0");
        var config = new LlamaConfig
        {
            Dim = h[0], HiddenDim = h[1], NLayers = h[2], NHeads = h[3], NKvHeads = h[4],
            VocabSize = Math.Abs(h[5]), MaxSeqLen = h[6],
            NormEps = 1e-5, RopeTheta = 10000.0, TieWordEmbeddings = h[5] > 0, RopeLayout = layout,
        };
        var errors = config.Validate().ToList();
        if (errors.Count > 0)
            throw new LoraLabException($"{path}: not a llama2.c checkpoint, bad header: {string.Join("; ", errors)}");
        return (config, h[5] > 0);
    }

    private static long FloatCount(LlamaConfig c, bool sharedClassifier)
    {
        long d = c.Dim, l = c.NLayers, kv = c.NKvHeads * c.HeadDim, v = c.VocabSize;
        var perLayer = 2 * d + 2 * d * d + 2 * kv * d + 3 * d * c.HiddenDim; // norms, wq+wo, wk+wv, w1+w2+w3
        var ropeTables = 2L * c.MaxSeqLen * (c.HeadDim / 2); // freq_cis_real, freq_cis_imag
        return v * d + l * perLayer + d + ropeTables + (sharedClassifier ? 0 : v * d);
    }

    // File order (SOURCES.md §1a): emb, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final, cos, sin, [wcls].
    private static Dictionary<string, Tensor> ToHfStateDict(float[] floats, LlamaConfig c, bool sharedClassifier)
    {
        long offset = 0;
        Tensor Next(params long[] shape)
        {
            var count = shape.Aggregate(1L, (a, b) => a * b);
            var t = tensor(floats.AsSpan((int)offset, (int)count).ToArray(), shape);
            offset += count;
            return t;
        }
        long d = c.Dim, l = c.NLayers, kv = c.NKvHeads * c.HeadDim, hidden = c.HiddenDim;
        var emb = Next(c.VocabSize, d);
        var (rmsAtt, wq, wk, wv, wo) = (Next(l, d), Next(l, d, d), Next(l, kv, d), Next(l, kv, d), Next(l, d, d));
        var (rmsFfn, w1, w2, w3) = (Next(l, d), Next(l, hidden, d), Next(l, d, hidden), Next(l, hidden, d));
        var rmsFinal = Next(d);
        offset += 2L * c.MaxSeqLen * (c.HeadDim / 2); // RoPE tables: recomputed in the model
        var dict = new Dictionary<string, Tensor> { ["model.embed_tokens.weight"] = emb,
                                                   ["model.norm.weight"] = rmsFinal };
        if (!sharedClassifier) dict["lm_head.weight"] = Next(c.VocabSize, d);
        for (var i = 0; i < l; i++)
        {
            var p = $"model.layers.{i}.";
            dict[p + "input_layernorm.weight"] = rmsAtt[i];
            dict[p + "self_attn.q_proj.weight"] = ToLayout(wq[i], c.NHeads, c.RopeLayout);
            dict[p + "self_attn.k_proj.weight"] = ToLayout(wk[i], c.NKvHeads, c.RopeLayout);
            dict[p + "self_attn.v_proj.weight"] = wv[i];
            dict[p + "self_attn.o_proj.weight"] = wo[i];
            dict[p + "post_attention_layernorm.weight"] = rmsFfn[i];
            dict[p + "mlp.gate_proj.weight"] = w1[i];
            dict[p + "mlp.down_proj.weight"] = w2[i];
            dict[p + "mlp.up_proj.weight"] = w3[i];
        }
        return dict;
    }

    // Interleaved rows (head, pair i, component j) → half-split rows (head, j, i): the row of channel 2i+j moves to
    // j·hd/2 + i, so pair i becomes channels (i, i + hd/2) — what rotate_half rotates with the same frequency.
    private static Tensor ToLayout(Tensor w, int heads, RopeLayout layout) => layout switch // w: (heads·hd, in)
    {
        RopeLayout.Interleaved => w,
        RopeLayout.HalfSplit => w.view(heads, -1, 2, w.shape[1]) // (heads, hd/2, 2, in)
            .transpose(1, 2).reshape(w.shape[0], w.shape[1]), // (heads·hd, in)
    };
}
