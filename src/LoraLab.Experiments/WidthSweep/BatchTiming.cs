namespace LoraLab.Experiments.WidthSweep;

/// <summary>Wall time of one batch (all configurations of one width, readout and seed, trained together).</summary>
public sealed record BatchTiming(int Width, ToyReadout Readout, long Seed, int Configs, int Steps, double Seconds)
{
    public double MsPerStep => Seconds * 1000 / Steps;
}
