namespace LoraLab.Core.Adapters;

/// <summary>
/// Tensor names of a PEFT LoRA adapter file ⇄ module paths. PEFT saves the state dict of
/// <c>PeftModel.base_model</c> (the LoraModel, whose <c>.model</c> is the wrapped model) with the adapter name
/// removed, so a Linear at module path <c>model.layers.0.self_attn.q_proj</c> gives
/// <c>base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight</c> (PEFT <c>save_and_load.py</c>). Module
/// paths must be the Hugging Face ones for the file to load in PEFT; that is the model's naming, not ours to fix.
/// </summary>
internal static class PeftAdapterLayout
{
    public const string Prefix = "base_model.model.";
    public const string WeightsFileName = "adapter_model.safetensors";

    static readonly (PeftTensorKind Kind, string Suffix)[] Suffixes =
        [.. Enum.GetValues<PeftTensorKind>().Select(k => (k, Suffix(k)))];

    /// <summary>The file's tensor name for a module path and tensor kind.</summary>
    public static string TensorName(string modulePath, PeftTensorKind kind)
    {
        if (string.IsNullOrEmpty(modulePath)) throw new ArgumentException("module path is empty", nameof(modulePath));
        return Prefix + modulePath + Suffix(kind);
    }

    /// <summary>Splits a file tensor name into module path and kind; false for any other name (a DoRA magnitude,
    /// an embedding LoRA, a modules_to_save weight, or a name without the <see cref="Prefix"/>).</summary>
    public static bool TryParse(string tensorName, out string modulePath, out PeftTensorKind kind)
    {
        modulePath = "";
        kind = default;
        if (!tensorName.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        foreach (var (candidate, suffix) in Suffixes)
        {
            if (!tensorName.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var length = tensorName.Length - Prefix.Length - suffix.Length;
            if (length <= 0) return false;
            modulePath = tensorName.Substring(Prefix.Length, length);
            kind = candidate;
            return true;
        }
        return false;
    }

    /// <summary>Our state-dict key (e.g. <c>layers.0.wq.lora_A.weight</c>) → the file's tensor name.</summary>
    public static string FromStateDictKey(string stateDictKey) => Prefix + stateDictKey;

    /// <summary>The file's tensor name → our state-dict key, or null when it lacks the <see cref="Prefix"/>.</summary>
    public static string? ToStateDictKey(string tensorName) =>
        tensorName.StartsWith(Prefix, StringComparison.Ordinal) && tensorName.Length > Prefix.Length
            ? tensorName[Prefix.Length..]
            : null;

    static string Suffix(PeftTensorKind kind) => kind switch
    {
        PeftTensorKind.LoraA => ".lora_A.weight",
        PeftTensorKind.LoraB => ".lora_B.weight",
        PeftTensorKind.LoraBBias => ".lora_B.bias",
    };
}
