using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace LoraLab.Core.Adapters;

/// <summary>A human-readable account of an adapter folder: its config, per-tensor statistics, and per module whether
/// B·A = 0 (the adapter is then still a no-op: freshly initialized with Init[A]/Init[B], or never trained).</summary>
public static class AdapterInspection
{
    public static string Describe(AdapterFolder folder)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine($"adapter {folder.Directory}");
        text.AppendLine(AdapterConfigJsonFile.ToJson(folder.Config).TrimEnd());
        text.AppendLine();
        text.AppendLine(string.Format(c, "{0,-60} {1,-5} {2,-12} {3,12} {4,12} {5,12} {6,12}",
                                      "tensor", "dtype", "shape", "mean", "std", "min", "max"));
        foreach (var (name, t) in folder.Tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            using var scope = NewDisposeScope();
            var d = t.to(float64);
            var empty = d.numel() == 0;
            text.AppendLine(string.Format(c, "{0,-60} {1,-5} {2,-12} {3,12:G4} {4,12:G4} {5,12:G4} {6,12:G4}", name,
                DTypeName(t.dtype), "[" + string.Join(",", t.shape) + "]",
                empty ? double.NaN : d.mean().item<double>(), d.numel() > 1 ? d.std().item<double>() : double.NaN,
                empty ? double.NaN : d.min().item<double>(), empty ? double.NaN : d.max().item<double>()));
        }
        text.AppendLine();
        foreach (var (path, a, b) in Pairs(folder))
        {
            using var scope = NewDisposeScope();
            var product = b.to(float64).matmul(a.to(float64));          // (out, in)
            var max = product.abs().max().item<double>();
            text.AppendLine(max == 0
                ? $"{path}: B·A = 0 (exactly; r = {a.shape[0]})"
                : string.Format(c, "{0}: B·A ≠ 0 (max |B·A| = {1:G4}, ‖B·A‖_F = {2:G4}; r = {3})", path, max,
                                product.norm().item<double>(), a.shape[0]));
        }
        return text.ToString();
    }

    static IEnumerable<(string Path, Tensor A, Tensor B)> Pairs(AdapterFolder folder)
    {
        foreach (var (name, a) in folder.Tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
            if (PeftAdapterLayout.TryParse(name, out var path, out var kind) && kind == PeftTensorKind.LoraA)
                yield return (path, a, folder.Tensors[PeftAdapterLayout.TensorName(path, PeftTensorKind.LoraB)]);
    }

    static string DTypeName(ScalarType t) => t switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        _ => t.ToString(),
    };
}
