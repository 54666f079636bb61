using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Training;

public sealed class BatchOrderTests
{
    [Fact]
    public void Batch_OneEpoch_EachExampleAtMostOnce_FullBatches()
    {
        var order = new BatchOrder(examples: 10, batchSize: 3, seed: 7);

        var epoch = Enumerable.Range(0, order.StepsPerEpoch).SelectMany(order.Batch).ToList();

        Assert.Equal(3, order.StepsPerEpoch);                   // 10 / 3, last partial batch dropped
        Assert.Equal(9, epoch.Distinct().Count());
        Assert.Equal(new BatchOrder(10, 3, 7).Batch(4), order.Batch(4));
        Assert.Equal(8, order.TotalSteps(0, 2.5));              // ceil(2.5 · 3)
    }
}
