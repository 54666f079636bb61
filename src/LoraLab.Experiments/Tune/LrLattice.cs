using LoraLab.Core;
using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Tune;

/// <summary>
/// LR candidates on the half-decade lattice of the committed grids ({1, 3} × 10^k: index j is 10^(j/2) for even j,
/// 3·10^((j−1)/2) for odd j), between lr-find's valley and its minimum: on the committed LM grids the valley was a
/// decade below η* and the minimum's LR 5× above it (docs/tune.md). μA (Hayou et al. 2024: Init[B], A = 0, tolerates
/// LRs Θ(n^−1) where Init[A] tolerates Θ(n^−1/2)) moves the window of an A = 0 init one half-decade down.
/// </summary>
internal static class LrLattice
{
    /// <summary>Parsed from "1e-3"/"3e-4", so the value is the double nearest to the decimal (3e-4, not
    /// 3 · 10^−4 = 0.00030000000000000003).</summary>
    public static double Value(int j) =>
        double.Parse(j % 2 == 0 ? $"1e{j / 2}" : $"3e{(j - 1) / 2}", System.Globalization.CultureInfo.InvariantCulture);

    public static int Snap(double lr) => (int)Math.Round(2 * Math.Log10(lr));

    /// <summary><paramref name="count"/> lattice values, ascending, centred between lr-find's valley and the LR of
    /// its lowest smoothed loss (the ramp's minimum, where a short run is still stable), one half-decade lower for an
    /// A = 0 init; with only a valley, centred on it.</summary>
    public static IReadOnlyList<double> Window(double valley, double? atMinimum, int count, bool zeroA)
    {
        var centre = atMinimum is { } m ? (Snap(valley) + Snap(m)) / 2.0 : Snap(valley);
        var low = (int)Math.Floor(centre - (count - 1) / 2.0) - (zeroA ? 1 : 0);
        return Enumerable.Range(low, count).Select(Value).ToList();
    }

    /// <summary>True for inits that start with A = 0 (the μA rule's Init[B] side).</summary>
    public static bool ZeroA(string init) => EnumNames.Parse<LoraInit>(init, "lora.init") switch
    {
        LoraInit.B or LoraInit.GaussianB => true,
        LoraInit.A or LoraInit.GaussianA or LoraInit.Gaussian or LoraInit.BothRandom or LoraInit.Orthogonal
            or LoraInit.Pissa or LoraInit.Olora => false,
    };
}
