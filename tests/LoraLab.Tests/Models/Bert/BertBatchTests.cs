using LoraLab.IO;
using LoraLab.Models.Bert;

namespace LoraLab.Tests.Models.Bert;

public sealed class BertBatchTests
{
    [Fact]
    public void Collate_UnequalLengths_PadsToLongestWithMask()
    {
        var batch = BertBatch.Collate([new BertEncoding([101, 7, 102], [0, 0, 0]),
                                       new BertEncoding([101, 102], [0, 0])]);
        Assert.Equal([2L, 3L], batch.InputIds.shape);
        Assert.Equal([101L, 7, 102, 101, 102, 0], batch.InputIds.data<long>().ToArray());
        Assert.Equal([1L, 1, 1, 1, 1, 0], batch.AttentionMask.data<long>().ToArray());
        Assert.Equal([0L, 0, 0, 0, 0, 0], batch.TokenTypeIds!.data<long>().ToArray());
    }

    [Fact]
    public void Collate_Empty_Throws()
    {
        Assert.Throws<LoraLabException>(() => BertBatch.Collate([]));
    }
}
