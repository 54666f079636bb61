namespace LoraLab.Models.Gpt2;

/// <summary>The MLP nonlinearity (HF config.json <c>activation_function</c>).</summary>
public enum Gpt2Activation
{
    /// <summary>HF "gelu_new" / "gelu_pytorch_tanh": the tanh approximation GPT-2 was trained with.</summary>
    GeluNew,

    /// <summary>HF "gelu": the exact erf form.</summary>
    Gelu,
}
