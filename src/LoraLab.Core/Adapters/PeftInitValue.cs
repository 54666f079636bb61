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
/// the same way (docs/reference/anchors.md §1.3).
/// </summary>
internal static class PeftInitValue
{
    public static JsonNode For(LoraInit init) => init switch
    {
        LoraInit.A => JsonValue.Create(true),                          // identical: A ~ U(±1/√in), B = 0
        LoraInit.B or LoraInit.GaussianB => JsonValue.Create(true),    // no PEFT switch for A = 0, B random
        LoraInit.Gaussian or LoraInit.GaussianA => JsonValue.Create("gaussian"), // A Gaussian, B = 0
        // Ours keeps W − s·B₀A₀ in the base; PeftAdapter.Save exports it converted to the original base weight,
        // which PEFT must then leave alone: true.
        LoraInit.BothRandom => JsonValue.Create(true),
        LoraInit.Orthogonal => JsonValue.Create("orthogonal"),
        LoraInit.Pissa => JsonValue.Create("pissa"),
        LoraInit.Olora => JsonValue.Create("olora"),
    };

    /// <summary>The init to inject with when applying an adapter to its base model: PiSSA/OLoRA must move s·B₀A₀
    /// out of the base weight again, as PEFT does on load; everything else leaves the base weight alone.</summary>
    public static LoraInit ForLoading(JsonNode? initLoraWeights) =>
        initLoraWeights?.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? initLoraWeights.GetValue<string>() switch
            {
                "pissa" => LoraInit.Pissa,
                "olora" => LoraInit.Olora,
                _ => LoraInit.A,
            }
            : LoraInit.A;
}
