using static TorchSharp.torch;

namespace LoraLab.Experiments.WidthSweep;

/// <summary>Per-step diagnostics of K batched runs, kept on the CPU as [step][config].</summary>
internal sealed class StepHistory(int configs, int steps)
{
    public double[][] Loss { get; } = Make(configs, steps);
    public double[][] RmsZa { get; } = Make(configs, steps);
    public double[][] RmsZb { get; } = Make(configs, steps);
    public double[][] DeltaW { get; } = Make(configs, steps);
    public double[][] GradA { get; } = Make(configs, steps);
    public double[][] GradB { get; } = Make(configs, steps);

    public void Record(int step, ObjectiveValues values, Tensor deltaW, Tensor gradA, Tensor gradB)
    {
        Copy(values.Loss, Loss[step]);
        Copy(values.RmsZa, RmsZa[step]);
        Copy(values.RmsZb, RmsZb[step]);
        Copy(deltaW, DeltaW[step]);
        Copy(gradA, GradA[step]);
        Copy(gradB, GradB[step]);
    }

    /// <summary>Configuration k's series; entries from <paramref name="stoppedAt"/> on are NaN.</summary>
    public (double[] Loss, double[] Za, double[] Zb, double[] DeltaW, double[] GradA, double[] GradB) Column(int k, int? stoppedAt) =>
        (Col(Loss, k, stoppedAt), Col(RmsZa, k, stoppedAt), Col(RmsZb, k, stoppedAt),
         Col(DeltaW, k, stoppedAt), Col(GradA, k, stoppedAt), Col(GradB, k, stoppedAt));

    static double[] Col(double[][] rows, int k, int? stoppedAt) =>
        rows.Select((row, t) => stoppedAt is { } s && t > s ? double.NaN : row[k]).ToArray();

    static void Copy(Tensor values, double[] row) => values.cpu().data<double>().CopyTo(row, 0);

    static double[][] Make(int configs, int steps) => Enumerable.Range(0, steps).Select(_ => new double[configs]).ToArray();
}
