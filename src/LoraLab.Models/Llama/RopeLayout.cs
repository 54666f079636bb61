namespace LoraLab.Models.Llama;

/// <summary>Which pairs of a head's channels RoPE rotates together.</summary>
public enum RopeLayout
{
    /// <summary>Hugging Face <c>rotate_half</c>: channel i pairs with i + head_dim/2 (what HF Llama checkpoints
    /// expect).</summary>
    HalfSplit,

    /// <summary>Meta / llama2.c: channel 2i pairs with 2i+1 (what llama2.c <c>.bin</c> checkpoints were trained
    /// with).</summary>
    Interleaved,
}
