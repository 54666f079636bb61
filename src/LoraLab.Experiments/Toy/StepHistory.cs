using static TorchSharp.torch;

namespace LoraLab.Experiments.Toy;

/// <summary>Per-step diagnostics of K batched runs, kept on the CPU as [step][config].</summary>
internal sealed class StepHistory(int configs, int steps)
{
    public double[][] Loss { get; } = Make(configs, steps);
    public double[][] RmsZa { get; } = Make(configs, steps);
    public double[][] RmsZb { get; } = Make(configs, steps);
    public double[][] DeltaW { get; } = Make(configs, steps);
    public double[][] GradA { get; } = Make(configs, steps);
    public double[][] GradB { get; } = Make(configs, steps);

    /// <summary>Stores step <paramref name="step"/>'s values; row i of each (rows,) tensor is configuration
    /// configs[i].</summary>
    public void Record(int step, int[] configs, ObjectiveValues values, Tensor deltaW, Tensor gradA, Tensor gradB)
    {
        Copy(values.Loss, Loss[step], configs);
        Copy(values.RmsZa!, RmsZa[step], configs);
        Copy(values.RmsZb!, RmsZb[step], configs);
        Copy(deltaW, DeltaW[step], configs);
        Copy(gradA, GradA[step], configs);
        Copy(gradB, GradB[step], configs);
    }

    /// <summary>Stores only the loss (runs without diagnostics: the other series stay NaN).</summary>
    public void RecordLoss(int step, int[] configs, Tensor loss) => Copy(loss, Loss[step], configs);

    /// <summary>Configuration k's series; entries after <paramref name="stoppedAt"/> are NaN.</summary>
    public (double[] Loss, double[] Za, double[] Zb, double[] DeltaW, double[] GradA, double[] GradB) Column(
        int k, int? stoppedAt) =>
        (Col(Loss, k, stoppedAt), Col(RmsZa, k, stoppedAt), Col(RmsZb, k, stoppedAt),
         Col(DeltaW, k, stoppedAt), Col(GradA, k, stoppedAt), Col(GradB, k, stoppedAt));

    static double[] Col(double[][] rows, int k, int? stoppedAt) =>
        rows.Select((row, t) => stoppedAt is { } s && t > s ? double.NaN : row[k]).ToArray();

    static void Copy(Tensor values, double[] row, int[] configs)
    {
        var data = values.cpu().data<double>().ToArray();
        for (int i = 0; i < configs.Length; i++) row[configs[i]] = data[i];
    }

    static double[][] Make(int configs, int steps) =>
        Enumerable.Range(0, steps).Select(_ => Enumerable.Repeat(double.NaN, configs).ToArray()).ToArray();
}
