using LoraLab.IO;
using LoraLab.IO.Safetensors;
using TorchSharp;
using static TorchSharp.torch;
using Module = TorchSharp.torch.nn.Module;

namespace LoraLab.Core.Adapters;

/// <summary>An adapter folder read from disk: its config and its tensors by file name.</summary>
public sealed record AdapterFolder(string Directory, AdapterConfigJson Config,
                                   IReadOnlyDictionary<string, Tensor> Tensors);

/// <summary>
/// PEFT-format adapters: a folder with <c>adapter_config.json</c> and <c>adapter_model.safetensors</c> holding
/// <c>base_model.model.&lt;module path&gt;.lora_A.weight</c> (r, in) and <c>.lora_B.weight</c> (out, r), F32
/// (F16/BF16 accepted on read), plus full tensors of <c>modules_to_save</c> (a task head) under the same prefix.
/// </summary>
public static class PeftAdapter
{
    /// <summary>Writes the adapter of every LoRA layer in <paramref name="model"/>. Where the init moved s·B₀A₀ out of
    /// the base weight and PEFT would not redo it on load (both-random), the adapter is exported relative to the
    /// original base weight as rank 2r: [A; A₀] and [B, −B₀] (PEFT's
    /// path_initial_model_for_weight_conversion).</summary>
    public static void Save(string directory, Module model, LoraConfig lora, AdapterSaveInfo info)
    {
        var layers = LoraInjector.FindLayers(model);
        if (layers.Count == 0)
            throw new LoraLabException("adapter: the model has no LoRA layers to save", ExitCodes.Usage);
        bool convert = lora.Init == LoraInit.BothRandom;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (path, layer) in layers)
            {
                var (a, b) = convert
                    ? (cat([layer.LoraA, layer.InitialA!], 0), cat([layer.LoraB, layer.InitialB!.neg()], 1))
                    : (layer.LoraA.detach(), layer.LoraB.detach());
                tensors[PeftAdapterLayout.TensorName(path, PeftTensorKind.LoraA)] = a.to(float32).contiguous();
                tensors[PeftAdapterLayout.TensorName(path, PeftTensorKind.LoraB)] = b.to(float32).contiguous();
            }
            foreach (var module in info.ModulesToSave ?? [])
                foreach (var (name, p) in model.named_parameters()
                             .Where(p => p.name.StartsWith(module + ".", StringComparison.Ordinal)))
                    tensors[PeftAdapterLayout.FromStateDictKey(name)] = p.detach().to(float32).contiguous();
        }
        Directory.CreateDirectory(directory);
        SafetensorsFile.Save(Path.Combine(directory, PeftAdapterLayout.WeightsFileName), tensors,
                             new Dictionary<string, string> { ["format"] = "pt" });
        AdapterConfigJsonFile.Save(directory, AdapterConfigMapping.ToPeft(lora, info, convert ? 2 : 1));
    }

    /// <summary>Reads and validates a folder: the config, every tensor name (LoRA pairs with consistent
    /// ranks).</summary>
    public static AdapterFolder Read(string directory)
    {
        if (!Directory.Exists(directory))
            throw new LoraLabException($"adapter folder not found: {directory}", ExitCodes.BadInput);
        var config = AdapterConfigJsonFile.Load(Path.Combine(directory, AdapterConfigJson.FileName));
        var weights = Path.Combine(directory, PeftAdapterLayout.WeightsFileName);
        var tensors = SafetensorsFile.Load(weights);
        foreach (var (name, t) in tensors)
        {
            if (!PeftAdapterLayout.TryParse(name, out var path, out var kind)) continue;
            if (t.dtype is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
                throw new LoraLabException($"{weights}: tensor '{name}' has dtype {t.dtype}; " +
                                           "LoRA factors must be F32, F16 or BF16");
            if (kind == PeftTensorKind.LoraA
                && !tensors.ContainsKey(PeftAdapterLayout.TensorName(path, PeftTensorKind.LoraB)))
                throw new LoraLabException($"{weights}: '{name}' has no matching lora_B");
            if (kind == PeftTensorKind.LoraB
                && !tensors.ContainsKey(PeftAdapterLayout.TensorName(path, PeftTensorKind.LoraA)))
                throw new LoraLabException($"{weights}: '{name}' has no matching lora_A");
        }
        return new AdapterFolder(directory, config, tensors);
    }

    /// <summary>Injects LoRA as the adapter's config says and loads its tensors: the model then computes what the
    /// adapter was trained to compute. Missing, unexpected and wrongly shaped tensors are listed by name.</summary>
    public static InjectionResult Apply(string directory, Module model)
    {
        var folder = Read(directory);
        var injected = LoraInjector.Inject(model, AdapterConfigMapping.ToLora(folder.Config));
        LoadInto(folder, model);
        return injected;
    }

    /// <summary>Copies an adapter's tensors into a model that already has matching LoRA layers.</summary>
    public static void LoadInto(AdapterFolder folder, Module model)
    {
        var expected = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (path, layer) in LoraInjector.FindLayers(model))
        {
            expected[PeftAdapterLayout.TensorName(path, PeftTensorKind.LoraA)] = layer.LoraA;
            expected[PeftAdapterLayout.TensorName(path, PeftTensorKind.LoraB)] = layer.LoraB;
        }
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var module in folder.Config.ModulesToSave ?? [])
            foreach (var (name, p) in parameters.Where(p => p.Key.StartsWith(module + ".", StringComparison.Ordinal)))
                expected[PeftAdapterLayout.FromStateDictKey(name)] = p;

        AdapterMismatch.Compare(
                expected.ToDictionary(e => e.Key, e => e.Value.shape),
                folder.Tensors.ToDictionary(t => t.Key, t => t.Value.shape))
            .ThrowIfAny(Path.Combine(folder.Directory, PeftAdapterLayout.WeightsFileName));
        using var noGrad = no_grad();
        foreach (var (name, target) in expected)
            target.copy_(folder.Tensors[name].to(target.dtype));
    }
}
