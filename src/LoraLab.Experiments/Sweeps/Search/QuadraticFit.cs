namespace LoraLab.Experiments.Sweeps;

/// <summary>Least-squares quadratic y = a·x² + b·x + c (normal equations, x centred for conditioning).</summary>
internal static class QuadraticFit
{
    /// <summary>(a, b, c) in the original x, or null with fewer than 3 distinct x.</summary>
    public static (double A, double B, double C)? Fit(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Select(p => p.X).Distinct().Count() < 3) return null;
        double mx = points.Average(p => p.X);
        double s0 = points.Count, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
        foreach (var (x0, y) in points)
        {
            var x = x0 - mx;
            s1 += x; s2 += x * x; s3 += x * x * x; s4 += x * x * x * x;
            t0 += y; t1 += x * y; t2 += x * x * y;
        }
        // Solve [[s4 s3 s2] [s3 s2 s1] [s2 s1 s0]] · (a, b, c) = (t2, t1, t0) by Cramer's rule.
        double det = Det(s4, s3, s2, s3, s2, s1, s2, s1, s0);
        if (det == 0) return null;
        double a = Det(t2, s3, s2, t1, s2, s1, t0, s1, s0) / det;
        double b = Det(s4, t2, s2, s3, t1, s1, s2, t0, s0) / det;
        double c = Det(s4, s3, t2, s3, s2, t1, s2, s1, t0) / det;
        // Back to uncentred x: a(x − m)² + b(x − m) + c.
        return (a, b - 2 * a * mx, a * mx * mx - b * mx + c);
    }

    static double Det(double a, double b, double c, double d, double e, double f, double g, double h, double i) =>
        a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}
