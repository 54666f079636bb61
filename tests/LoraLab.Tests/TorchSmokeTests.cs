using TorchSharp;

namespace LoraLab.Tests;

[Collection(TorchCollection.Name)]
public sealed class TorchSmokeTests
{
    [Fact]
    public void ManualSeed_Randn_MatchesPyTorch()
    {
        // PyTorch 1.13: torch.manual_seed(42); torch.randn(5)
        torch.manual_seed(42);
        var x = torch.randn(5).data<float>().ToArray();
        Assert.Equal(new[] { 0.33669037f, 0.1288094f, 0.23446237f, 0.23033303f, -1.1228564f }, x);
    }
}
