namespace LoraLab.Tests.Support;

/// <summary>
/// torch's RNG and thread count are process-global, so every test that seeds or sets threads runs in this
/// one serial collection (docs/reference/feasibility.md §1.4).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
