namespace LoraLab.Core.Adapters;

/// <summary>The LoRA tensors of one adapted Linear in a PEFT adapter file (docs/reference/anchors.md §1.6).</summary>
public enum PeftTensorKind
{
    /// <summary><c>&lt;path&gt;.lora_A.weight</c>, shape (r, in).</summary>
    LoraA,
    /// <summary><c>&lt;path&gt;.lora_B.weight</c>, shape (out, r).</summary>
    LoraB,
    /// <summary><c>&lt;path&gt;.lora_B.bias</c>, shape (out,), present with <c>lora_bias = true</c>.</summary>
    LoraBBias,
}
