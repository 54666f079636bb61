namespace LoraLab.Reports;

/// <summary>One line (and/or markers) on a <see cref="LineChart"/>. Points whose x or y is not finite (or not
/// positive on a log axis) are dropped.</summary>
public sealed record ChartSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    public bool Markers { get; init; } = true;
    public bool Line { get; init; } = true;
    public bool Dashed { get; init; }
    /// <summary>Hex color such as "#1f77b4"; null = the palette's next color.</summary>
    public string? Color { get; init; }
    public float LineWidth { get; init; } = 1.5f;

    /// <summary>A power-law reference line y = c·x^exponent through (anchorX, anchorY), drawn dashed over
    /// [xMin, xMax]; the constant is for visualisation only.</summary>
    public static ChartSeries PowerLaw(string label, double exponent, double anchorX, double anchorY, double xMin,
                                       double xMax, string? color = null)
    {
        double c = anchorY / Math.Pow(anchorX, exponent);
        return new ChartSeries(label, [xMin, xMax], [c * Math.Pow(xMin, exponent), c * Math.Pow(xMax, exponent)])
        {
            Markers = false, Dashed = true, Color = color, LineWidth = 1f,
        };
    }
}
