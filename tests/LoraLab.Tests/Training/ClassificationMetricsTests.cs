using LoraLab.Training.Metrics;

namespace LoraLab.Tests.Training;

public sealed class ClassificationMetricsTests
{
    // TP = 2 (0, 4), FP = 1 (1), TN = 2 (2, 3), FN = 1 (5)
    static readonly int[] Predicted = [1, 1, 0, 0, 1, 0];
    static readonly int[] Gold = [1, 0, 0, 0, 1, 1];

    [Fact]
    public void Accuracy_HandComputed() => Assert.Equal(4.0 / 6, ClassificationMetrics.Accuracy(Predicted, Gold), 12);

    [Fact]
    public void F1_HandComputed() => Assert.Equal(2.0 * 2 / (2 * 2 + 1 + 1), ClassificationMetrics.F1(Predicted, Gold),
                                                  12);

    [Fact]
    public void Mcc_HandComputed()
    {
        // (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = (4 − 1) / √(3·3·3·3) = 1/3
        Assert.Equal(1.0 / 3, ClassificationMetrics.Mcc(Predicted, Gold), 12);
    }

    [Fact]
    public void Mcc_SklearnDocExample()
    {
        // sklearn.metrics.matthews_corrcoef docs: y_true [+1, +1, +1, −1], y_pred [+1, −1, +1, +1] → −0.33...
        Assert.Equal(-1.0 / 3, ClassificationMetrics.Mcc([1, 0, 1, 1], [1, 1, 1, 0]), 12);
    }

    [Fact]
    public void Mcc_ConstantPrediction_IsZero() => Assert.Equal(0, ClassificationMetrics.Mcc([1, 1, 1], [1, 0, 1]));

    [Fact]
    public void Mcc_PerfectAndInverted_AreOneAndMinusOne()
    {
        Assert.Equal(1, ClassificationMetrics.Mcc([0, 1, 1, 0], [0, 1, 1, 0]), 12);
        Assert.Equal(-1, ClassificationMetrics.Mcc([1, 0, 0, 1], [0, 1, 1, 0]), 12);
    }

    [Fact]
    public void F1_NoPositives_IsZero() => Assert.Equal(0, ClassificationMetrics.F1([0, 0], [0, 0]));
}
