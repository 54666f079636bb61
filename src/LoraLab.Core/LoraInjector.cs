using Module = TorchSharp.torch.nn.Module;
using LoraLab.IO;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LoraLab.Core;

/// <summary>One LoRA layer found in a model, with its module path (e.g.
/// <c>model.layers.0.self_attn.q_proj</c>).</summary>
public sealed record AdaptedLayer(string Path, LoraLinear Layer);

/// <summary>What <see cref="LoraInjector.Inject"/> did: the adapted layers in module order, and parameter
/// counts.</summary>
public sealed record InjectionResult(IReadOnlyList<AdaptedLayer> Layers, long TrainableParameters, long TotalParameters)
{
    public string Summary =>
        $"LoRA on {Layers.Count} layers; trainable {TrainableParameters:N0} of {TotalParameters:N0} parameters " +
        $"({100.0 * TrainableParameters / Math.Max(1, TotalParameters):F3}%)";
}

/// <summary>
/// Puts LoRA into any TorchSharp module tree by target names (PEFT's <c>inject_adapter</c>): every
/// <see cref="Linear"/> whose path matches <see cref="LoraConfig.Targets"/> is replaced by a <see cref="LoraLinear"/>
/// wrapping it, and every other parameter of the model is frozen.
/// TorchSharp modules call their children through fields, so the parent's field that holds the Linear is repointed
/// too; such a field must be typed <c>Module&lt;Tensor, Tensor&gt;</c> (not <c>Linear</c>) to hold a LoRA layer.
/// </summary>
public static class LoraInjector
{
    /// <summary>Injects LoRA per <paramref name="config"/>. Layers are created in <c>named_modules</c> order, so with
    /// the same seed the factors are drawn exactly as PEFT draws them.</summary>
    public static InjectionResult Inject(Module root, LoraConfig config)
    {
        if (config.TargetModules.Count == 0 && config.TargetRegex is null)
            throw new LoraLabException("lora: no target_modules given", ExitCodes.Usage);
        var targets = root.named_modules()
            .Where(m => m.name.Length > 0 && config.Targets(m.name))
            .ToList();
        if (targets.Count == 0)
            throw new LoraLabException(
                $"lora: no module matches target_modules [{string.Join(", ", config.TargetModules)}]" +
                (config.TargetRegex is null ? "" : $" / target_regex '{config.TargetRegex}'"), ExitCodes.Usage);

        foreach (var p in root.parameters()) p.requires_grad = false;
        foreach (var (path, module) in targets)
        {
            if (module is not Linear linear)
                throw new LoraLabException(
                    $"lora: target '{path}' is a {module.GetType().Name}; LoRA supports Linear layers only",
                                           ExitCodes.Usage);
            int rank = config.RankFor(path);
            double alpha = config.AlphaFor(path);
            var lora = new LoraLinear(linear, rank, alpha, config.Init, config.Scaling, config.InitGain,
                                      config.Dropout);
            ModuleReplacer.Replace(root, path, linear, lora);
        }
        var layers = FindLayers(root);
        var (trainable, total) = CountParameters(root);
        return new InjectionResult(layers, trainable, total);
    }

    /// <summary>The LoRA layers of a model, in module order.</summary>
    public static IReadOnlyList<AdaptedLayer> FindLayers(Module root) =>
        root.named_modules()
            .Where(m => m.module is LoraLinear)
            .Select(m => new AdaptedLayer(m.name, (LoraLinear)m.module))
            .ToList();

    /// <summary>(trainable, total) parameter counts.</summary>
    public static (long Trainable, long Total) CountParameters(Module root)
    {
        long trainable = 0, total = 0;
        foreach (var p in root.parameters())
        {
            total += p.numel();
            if (p.requires_grad) trainable += p.numel();
        }
        return (trainable, total);
    }
}
