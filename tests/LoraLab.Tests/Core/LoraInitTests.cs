using LoraLab.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Tests.Core;

/// <summary>Each scheme's factors, checked statistically at in = out = 4096, r = 8 (peft
/// test_initialization.py), and the weight-aware schemes (PiSSA, OLoRA) by their algebra.</summary>
[Collection(TorchCollection.Name)]
public sealed class LoraInitTests
{
    const int Width = 4096, Rank = 8;

    /// <summary>Expected (mean, variance) of A's and B's entries; null means exactly zero.</summary>
    public static TheoryData<LoraInit, double?, double?> Moments => new()
    {
        { LoraInit.A, 1.0 / (3 * Width), null },                  // U(±1/√in): Var = 1/(3·in)
        { LoraInit.B, null, 1.0 / (3 * Rank) },                   // U(±1/√r): Var = 1/(3r)
        { LoraInit.GaussianA, 2.0 * 2.0 / Width, null },          // gain 2: σ = 2/√in
        { LoraInit.GaussianB, null, 2.0 * 2.0 / Rank },           // gain 2: σ = 2/√r
        { LoraInit.Gaussian, 1.0 / (Rank * Rank), null },         // PEFT: std 1/r
        { LoraInit.BothRandom, 1.0 / (3 * Width), 1.0 / (3 * Rank) },
        { LoraInit.Orthogonal, 0.5 / 100, 0.5 / 100 },            // (G·Q_half)/10: Var = (1/2)/100 on average
    };

    [Theory]
    [MemberData(nameof(Moments))]
    public void Apply_Scheme_FactorsHaveExpectedMoments(LoraInit scheme, double? varA, double? varB)
    {
        torch.manual_seed(11);
        var a = empty(Rank, Width);
        var b = empty(Width, Rank);

        LoraInitializer.Apply(scheme, a, b, scale: 2.0, gain: 2.0);

        CheckMoments(a, varA, $"{scheme} A");
        CheckMoments(b, varB, $"{scheme} B");
    }

    static void CheckMoments(Tensor t, double? variance, string what)
    {
        if (variance is null)
        {
            Assert.True(t.abs().max().item<float>() == 0f, $"{what} must be exactly zero");
            return;
        }
        var n = t.numel();
        var mean = t.mean().item<float>();
        var var = t.var().item<float>();
        // 6 standard errors: mean ~ N(0, σ²/n); the sample variance's relative error is < 0.8·√(2/n) for these laws
        Assert.True(Math.Abs(mean) < 6 * Math.Sqrt(variance.Value / n), $"{what}: mean {mean} too far from 0");
        Assert.True(Math.Abs(var / variance.Value - 1) < 0.06, $"{what}: variance {var} vs expected {variance}");
    }

    [Fact]
    public void Apply_InitA_StaysWithinKaimingBound()
    {
        torch.manual_seed(12);
        var a = empty(Rank, Width);
        LoraInitializer.Apply(LoraInit.A, a, empty(Width, Rank), scale: 1);
        Assert.True(a.abs().max().item<float>() <= 1.0 / Math.Sqrt(Width));
    }

    /// <summary>Every scheme by name, written out: a scheme added to <see cref="LoraInit"/> without a row here (and
    /// so without a look at its moments or factor test) fails <see cref="EveryScheme_IsListedWithItsFactorCheck"/>.
    /// </summary>
    static readonly Dictionary<string, string> FactorChecks = new()
    {
        ["A"] = nameof(Apply_Scheme_FactorsHaveExpectedMoments),
        ["B"] = nameof(Apply_Scheme_FactorsHaveExpectedMoments),
        ["GaussianA"] = nameof(Apply_Scheme_FactorsHaveExpectedMoments),
        ["GaussianB"] = nameof(Apply_Scheme_FactorsHaveExpectedMoments),
        ["Gaussian"] = nameof(Apply_Scheme_FactorsHaveExpectedMoments),
        ["BothRandom"] = nameof(Apply_Scheme_FactorsHaveExpectedMoments),
        ["Orthogonal"] = nameof(Apply_Scheme_FactorsHaveExpectedMoments),
        ["Pissa"] = nameof(Apply_Pissa_FactorsSpanPrincipalSubspace),
        ["Olora"] = nameof(Apply_Olora_QTimesRReconstructsLeadingColumns_ResidualStaysFrozen),
    };

    [Fact]
    public void EveryScheme_IsListedWithItsFactorCheck()
    {
        Assert.Equal(FactorChecks.Keys.Order(), Enum.GetNames<LoraInit>().Order());
        var moments = ((IEnumerable<object?[]>)Moments).Select(row => row[0]!.ToString()!).ToHashSet();
        foreach (var (scheme, test) in FactorChecks)
            if (test == nameof(Apply_Scheme_FactorsHaveExpectedMoments))
                Assert.True(moments.Contains(scheme), $"{scheme} has no row in Moments");
    }

    public static TheoryData<LoraInit> Step0Schemes => new(Enum.GetValues<LoraInit>());

    [Theory]
    [MemberData(nameof(Step0Schemes))]
    public void Inject_AnyScheme_Step0OutputEqualsBaseModel(LoraInit scheme)
    {
        // Given a base layer and its output
        torch.manual_seed(21);
        var baseLayer = nn.Linear(64, 48);
        var x = randn(10, 64);
        var before = baseLayer.forward(x).detach().clone();

        // When wrapped with LoRA under the scheme
        var layer = new LoraLinear(baseLayer, rank: 4, alpha: 8, init: scheme);
        var after = layer.forward(x).detach();

        // Then the model is unchanged: exactly where one factor is zero, to float tolerance otherwise
        if (LoraInitializer.HasZeroFactor(scheme))
            Assert.True(after.eq(before).all().item<bool>(), $"{scheme}: output changed");
        else TensorAssert.Close(after, before, 1e-5, 1e-5, $"{scheme} step-0 output");
        var delta = layer.DeltaWeight().abs().max().item<float>();
        Assert.True(scheme is LoraInit.Pissa or LoraInit.Olora or LoraInit.BothRandom || delta < 1e-6,
                    $"{scheme}: B·A should vanish, max |s·B·A| = {delta}");
    }

    [Fact]
    public void Apply_Pissa_FactorsSpanPrincipalSubspace()
    {
        torch.manual_seed(22);
        var w = randn(20, 30);
        var a = empty(3, 30);
        var b = empty(20, 3);

        var residual = LoraInitializer.Apply(LoraInit.Pissa, a, b, scale: 2.0, weight: w)!;

        // s·B·A is the best rank-3 approximation of W (Eckart–Young): its singular values are W's top three
        var (_, s, _) = linalg.svd(w, fullMatrices: false);
        var (_, sr, _) = linalg.svd(residual, fullMatrices: false);
        TensorAssert.Close(sr[TensorIndex.Slice(0, 3)], s[TensorIndex.Slice(0, 3)], 1e-4, 1e-4, "top singular values");
        Assert.True(sr[3].item<float>() < 1e-4);
    }

    [Fact]
    public void Apply_Olora_QTimesRReconstructsLeadingColumns_ResidualStaysFrozen()
    {
        // Given W (20 × 30), r = 4, s = 2 through the layer as a finetune builds it
        torch.manual_seed(23);
        var baseLayer = nn.Linear(30, 20);
        using var w = baseLayer.weight!.detach().clone();
        var layer = new LoraLinear(baseLayer, rank: 4, alpha: 8, init: LoraInit.Olora);
        using var a = layer.LoraA.detach().clone();
        using var b = layer.LoraB.detach().clone();
        using var ba = b.matmul(a);                                               // (out, in)

        // Then Q_r·R_r holds W's first r columns exactly (R is upper triangular: W[:, :r] = Q[:, :r]·R[:r, :r]),
        // B = Q_r has orthonormal columns, A[:, :r] = R[:r, :r] is upper triangular, and W_frozen + s·B·A = W
        var lead = TensorIndex.Slice(0, 4);
        TensorAssert.Close(ba[TensorIndex.Colon, lead], w[TensorIndex.Colon, lead], 1e-5, 1e-5, "(B·A)[:, :r]");
        TensorAssert.Close(b.T.matmul(b), eye(4), 1e-5, 1e-5, "BᵀB");
        Assert.Equal(0f, a[TensorIndex.Colon, lead].tril(-1).abs().max().item<float>());
        TensorAssert.Close(layer.BaseLayer.weight!.detach() + 2.0 * ba, w, 1e-5, 1e-5, "W_frozen + s·B·A");

        // When one SGD step trains the layer, the residual does not move and both factors do
        using var frozenBefore = layer.BaseLayer.weight!.detach().clone();
        var optimizer = optim.SGD(layer.parameters().Where(p => p.requires_grad), 0.1);
        layer.forward(randn(8, 30)).square().sum().backward();
        optimizer.step();
        static bool Same(Tensor x, Tensor y) => x.eq(y).all().item<bool>();
        Assert.True(Same(layer.BaseLayer.weight!.detach(), frozenBefore), "residual weight changed");
        Assert.False(Same(layer.LoraA.detach(), a) || Same(layer.LoraB.detach(), b), "a factor did not train");
    }

    [Fact]
    public void Apply_Olora_MatchesPeftOloraInitInTorch()
    {
        // tools/make_olora_fixture.py: PEFT's olora_init replayed with torch.linalg.qr on a tall and a wide W
        var fixture = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("olora_init.json")))!;
        foreach (var c in fixture["cases"]!.AsArray())
        {
            int outF = (int)c!["out"]!, inF = (int)c["in"]!, r = (int)c["r"]!;
            float[] Values(string key) => c[key]!.AsArray().Select(v => (float)v!).ToArray();
            var baseLayer = nn.Linear(inF, outF);
            using (no_grad()) baseLayer.weight!.copy_(tensor(Values("weight")).reshape(outF, inF));

            var layer = new LoraLinear(baseLayer, r, (double)c["alpha"]!, LoraInit.Olora);

            var what = $"{outF}×{inF}, r = {r}";
            TensorAssert.Close(layer.LoraA, tensor(Values("lora_A")).reshape(r, inF), 1e-5, 1e-5, $"A, {what}");
            TensorAssert.Close(layer.LoraB, tensor(Values("lora_B")).reshape(outF, r), 1e-5, 1e-5, $"B, {what}");
            TensorAssert.Close(layer.BaseLayer.weight!, tensor(Values("frozen_weight")).reshape(outF, inF),
                1e-5, 1e-5, $"frozen W, {what}");
        }
    }
}
