using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Support;

/// <summary>torch.testing.assert_close for xunit: on failure, prints the max abs diff and the first
/// mismatches.</summary>
public static class TensorAssert
{
    public static void Close(Tensor actual, Tensor expected, double atol = 1e-6, double rtol = 1e-5,
                             string what = "tensor")
    {
        Assert.Equal(expected.shape, actual.shape);
        var a = actual.detach().to(float64).reshape(-1).data<double>().ToArray();
        var e = expected.detach().to(float64).reshape(-1).data<double>().ToArray();
        CloseValues(a, e, atol, rtol, what);
    }

    public static void CloseValues(IReadOnlyList<double> actual, IReadOnlyList<double> expected, double atol,
                                   double rtol, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        var bad = Enumerable.Range(0, actual.Count)
            .Where(i => !(Math.Abs(actual[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i])))
            .ToList();
        if (bad.Count == 0) return;
        var maxDiff = Enumerable.Range(0, actual.Count).Max(i => Math.Abs(actual[i] - expected[i]));
        var first = string.Join(", ", bad.Take(5).Select(i => $"[{i}] {actual[i]:G9} vs {expected[i]:G9}"));
        Assert.Fail($"{what}: {bad.Count} of {actual.Count} elements differ (max abs diff {maxDiff:G3}); " +
                    $"first: {first}");
    }

    public static Tensor FromList(IReadOnlyList<double> values, params long[] shape) =>
        tensor(values.Select(v => (float)v).ToArray()).reshape(shape);
}
