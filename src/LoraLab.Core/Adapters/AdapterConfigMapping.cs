using LoraLab.IO.Config;

namespace LoraLab.Core.Adapters;

/// <summary>Our <see cref="LoraConfig"/> ⇄ PEFT's <c>adapter_config.json</c>.</summary>
internal static class AdapterConfigMapping
{
    /// <summary>The adapter_config.json for layers injected with <paramref name="lora"/>. <paramref name="rankFactor"/>
    /// is 2 for an adapter exported relative to the original base weight ([A | A₀], [B | −B₀]).</summary>
    public static AdapterConfigJson ToPeft(LoraConfig lora, AdapterSaveInfo info, int rankFactor = 1)
    {
        // s = α/r (or α/√r) must survive r → k·r: α → k·α (or √k·α).
        double alphaFactor = lora.Scaling switch
        {
            LoraScaling.AlphaOverR => rankFactor,
            LoraScaling.AlphaOverSqrtR => Math.Sqrt(rankFactor),
        };
        return new AdapterConfigJson
        {
            BaseModelNameOrPath = info.BaseModel,
            TaskType = info.TaskType,
            R = lora.Rank * rankFactor,
            LoraAlpha = lora.Alpha * alphaFactor,
            LoraDropout = lora.Dropout,
            TargetModules = lora.TargetRegex is { } regex
                ? PeftTargetModules.Pattern(regex)
                : PeftTargetModules.List(lora.TargetModules),
            ExcludeModules = lora.ExcludeModules.Count > 0 ? PeftTargetModules.List(lora.ExcludeModules) : null,
            UseRslora = lora.Scaling == LoraScaling.AlphaOverSqrtR,
            InitLoraWeights = rankFactor == 1
                ? PeftInitValue.For(lora.Init)
                : System.Text.Json.Nodes.JsonValue.Create(true),
            RankPattern = lora.RankPattern.ToDictionary(p => p.Key, p => p.Value * rankFactor),
            AlphaPattern = lora.AlphaPattern.ToDictionary(p => p.Key, p => p.Value * alphaFactor),
            ModulesToSave = info.ModulesToSave is { Count: > 0 } m ? m : null,
            Loralab = info.Extras with
            {
                Init = EnumNames.Of(lora.Init),
                InitGain = lora.InitGain,
            },
        };
    }

    /// <summary>The LoRA to inject before loading an adapter's tensors into a model.</summary>
    public static LoraConfig ToLora(AdapterConfigJson peft) => new()
    {
        Rank = peft.R,
        Alpha = peft.LoraAlpha,
        Dropout = peft.LoraDropout,
        TargetModules = peft.TargetModules?.Names ?? [],
        TargetRegex = peft.TargetModules?.Regex,
        ExcludeModules = peft.ExcludeModules?.Names ?? [],
        RankPattern = peft.RankPattern.ToDictionary(),
        AlphaPattern = peft.AlphaPattern.ToDictionary(),
        Scaling = peft.UseRslora ? LoraScaling.AlphaOverSqrtR : LoraScaling.AlphaOverR,
        Init = PeftInitValue.ForLoading(peft.InitLoraWeights),
    };
}

/// <summary>What an adapter file records besides the LoRA config.</summary>
public sealed record AdapterSaveInfo(string? BaseModel, string? TaskType, LoralabAdapterExtras Extras,
                                     IReadOnlyList<string>? ModulesToSave = null);
