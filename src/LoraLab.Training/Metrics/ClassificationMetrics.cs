namespace LoraLab.Training.Metrics;

/// <summary>
/// GLUE's classification metrics from predictions and gold labels: accuracy, F1 of class 1 (MRPC; sklearn
/// f1_score with pos_label=1), and Matthews correlation (CoLA; sklearn matthews_corrcoef, binary or multiclass).
/// Undefined ratios (no positive predictions, a constant column) are 0, as in sklearn.
/// </summary>
public static class ClassificationMetrics
{
    public static double Accuracy(IReadOnlyList<int> predicted, IReadOnlyList<int> gold)
    {
        Check(predicted, gold);
        return predicted.Count == 0 ? 0 : (double)predicted.Zip(gold).Count(p => p.First == p.Second) / predicted.Count;
    }

    /// <summary>F1 of <paramref name="positive"/>: 2·TP / (2·TP + FP + FN).</summary>
    public static double F1(IReadOnlyList<int> predicted, IReadOnlyList<int> gold, int positive = 1)
    {
        Check(predicted, gold);
        long tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var (p, g) = (predicted[i] == positive, gold[i] == positive);
            if (p && g) tp++;
            else if (p) fp++;
            else if (g) fn++;
        }
        var denominator = 2 * tp + fp + fn;
        return denominator == 0 ? 0 : 2.0 * tp / denominator;
    }

    /// <summary>
    /// Matthews correlation coefficient, multiclass form (Gorodkin 2004): with confusion counts C, t_k true counts,
    /// p_k predicted counts, c correct and s samples, MCC = (c·s − Σ p_k t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)).
    /// For two classes this is (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
    /// </summary>
    public static double Mcc(IReadOnlyList<int> predicted, IReadOnlyList<int> gold)
    {
        Check(predicted, gold);
        var classes = predicted.Concat(gold).Distinct().ToList();
        double s = predicted.Count, c = predicted.Zip(gold).Count(p => p.First == p.Second);
        double sumPt = 0, sumP2 = 0, sumT2 = 0;
        foreach (var k in classes)
        {
            double pk = predicted.Count(x => x == k), tk = gold.Count(x => x == k);
            sumPt += pk * tk;
            sumP2 += pk * pk;
            sumT2 += tk * tk;
        }
        var denominator = Math.Sqrt((s * s - sumP2) * (s * s - sumT2));
        return denominator == 0 ? 0 : (c * s - sumPt) / denominator;
    }

    static void Check(IReadOnlyList<int> predicted, IReadOnlyList<int> gold)
    {
        if (predicted.Count != gold.Count)
            throw new ArgumentException($"{predicted.Count} predictions for {gold.Count} labels");
    }
}
