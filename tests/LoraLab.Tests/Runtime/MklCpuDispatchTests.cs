using System.Runtime.Intrinsics.X86;
using LoraLab.Runtime;
using static TorchSharp.torch;

namespace LoraLab.Tests.Runtime;

[Collection(TorchCollection.Name)]
public class MklCpuDispatchTests
{
    static bool AmdWithAvx512 =>
        X86Base.IsSupported && Avx512F.IsSupported && X86Base.CpuId(0, 0) is (_, 0x68747541, 0x444D4163, 0x69746E65);

    [Fact]
    public void Enable_OnAnAmdCpuWithAvx512_SwitchesMklToFeatureDispatch()
    {
        // Applied by the module initializer, as the CLI does; a libtorch update that changes MKL's code shows here.
        var state = MklCpuDispatch.Enable();
        Assert.Equal(AmdWithAvx512 ? MklDispatch.FeatureBased : MklDispatch.NotNeeded, state);
    }

    [Theory]
    [InlineData(512, 384, 300)]   // sizes that are not multiples of the kernels' blocks
    [InlineData(64, 1024, 1024)]  // the LoRA-linear benchmark's frozen GEMM
    [InlineData(7, 3, 5)]
    public void Matmul_WithTheDispatchedKernels_MatchesDoublePrecision(int m, int k, int n)
    {
        var gen = new TorchSharp.torch.Generator(42);
        var a = randn([m, k], generator: gen);
        var b = randn([k, n], generator: gen);
        var single = matmul(a, b);
        var reference = matmul(a.to(float64), b.to(float64));
        // float32 accumulation over k terms of N(0,1) products: error ~ sqrt(k)·2^-24·|terms|, far below 1e-4·sqrt(k).
        var maxError = (single.to(float64) - reference).abs().max().item<double>();
        Assert.True(maxError < 1e-4 * Math.Sqrt(k), $"max |float32 - float64| = {maxError:g3} for {m}x{k}x{n}");
    }
}
