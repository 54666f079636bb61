using System.Text.Json.Nodes;

namespace LoraLab.Core.Adapters;

/// <summary>
/// The <c>init_lora_weights</c> value to write for one of our init schemes. The trained A and B are in the
/// safetensors file and overwrite whatever PEFT initialises, so what matters on loading is only that PEFT builds
/// the same forward: every value that leaves the base weight alone does (true, false, "gaussian", "orthogonal").
/// Where PEFT has our scheme we write its name; where it has none (Init[B] and its Gaussian variant) we write
/// <c>true</c>, PEFT's default, which shares the property that matters (B·A = 0 at step 0) — our exact scheme goes
/// to <see cref="LoralabAdapterExtras.Init"/>. "pissa"/"olora" make PEFT subtract s·B₀A₀ from the base weight on
/// load; B₀A₀ is sign-invariant (U_rS_rV_rᵀ, Q_rR_r), so the forward matches when our init mutates the base weight
/// the same way (anchors.md §1.3).
/// </summary>
public static class PeftInitValue
{
    /// <summary><paramref name="loralabInit"/> is the kebab-case LoraInit name ("a", "b", "gaussian-a", ...).</summary>
    public static JsonNode For(string loralabInit) => loralabInit switch
    {
        "a" => JsonValue.Create(true),                 // identical: A ~ kaiming-uniform U(±1/√in), B = 0
        "b" or "gaussian-b" => JsonValue.Create(true), // no PEFT switch for A = 0, B random
        "gaussian" or "gaussian-a" => JsonValue.Create("gaussian"), // A Gaussian, B = 0 (PEFT: std 1/r)
        "both-random" => JsonValue.Create(false),      // PEFT False: both left at nn.Linear's U(±1/√fan_in)
        "orthogonal" => JsonValue.Create("orthogonal"),
        "pissa" => JsonValue.Create("pissa"),
        "olora" => JsonValue.Create("olora"),
        _ => throw new ArgumentException($"unknown LoRA init '{loralabInit}'", nameof(loralabInit)),
    };
}
