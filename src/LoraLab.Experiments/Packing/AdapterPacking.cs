using LoraLab.Core;
using LoraLab.IO;
using TorchSharp.Modules;
using Module = TorchSharp.torch.nn.Module;

namespace LoraLab.Experiments.Packing;

/// <summary>
/// Turns K models that differ only in their adapters (and per-run heads) into one packed model that trains all K in
/// one forward/backward: <c>models[0]</c> is rewired so that every LoRA layer becomes a <see cref="PackedLoraLinear"/>
/// over the K runs' layers at that path, and every per-run module (a classifier head) a <see cref="PackedLinear"/>.
/// Build the K models exactly as K separate runs would (same seeds), so that the initial factors are identical.
/// The caller feeds a batch repeated K times along dim 0 and sums the K losses: each run's parameters then receive
/// exactly their own run's gradient.
/// </summary>
internal static class AdapterPacking
{
    public static Module Pack(IReadOnlyList<Module> models, IReadOnlyList<string> perRunModules)
    {
        if (models.Count < 2) return models[0];
        var target = models[0];
        foreach (var (path, layer) in LoraInjector.FindLayers(target))
        {
            var layers = models.Select(m => ModuleReplacer.Resolve(m, path) as LoraLinear
                                            ?? throw new LoraLabException(
                                                $"pack: model has no LoRA layer at '{path}'", ExitCodes.Usage))
                               .ToList();
            ModuleReplacer.Replace(target, path, layer, new PackedLoraLinear(layers));
        }
        foreach (var path in perRunModules)
        {
            var heads = models.Select(m => ModuleReplacer.Resolve(m, path) as Linear
                                           ?? throw new LoraLabException(
                                               $"pack: '{path}' is not a Linear in every model", ExitCodes.Usage))
                              .ToList();
            ModuleReplacer.Replace(target, path, heads[0], new PackedLinear(heads));
        }
        return target;
    }
}
