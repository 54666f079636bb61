namespace LoraLab.Reports;

/// <summary>What a <see cref="LineChart"/> draws: titles, axis kinds and series.</summary>
public sealed record ChartSpec(string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series)
{
    public bool LogX { get; init; }
    public bool LogY { get; init; }
    /// <summary>Explicit x tick positions (data units, labelled with their values), e.g. the widths of a
    /// sweep.</summary>
    public IReadOnlyList<double>? XTicks { get; init; }
    public int Width { get; init; } = 800;
    public int Height { get; init; } = 420;
}
