namespace LoraLab.Experiments.WidthSweep;

/// <summary>Turns the sweep's runs into <see cref="WidthSweepSummary"/>: η*, max stable LR, fits, bootstrap CIs,
/// transfer check, feature norms (docs/protocol-width-sweep.md §4).</summary>
public static class WidthSweepAnalysis
{
    public const string Schema = "loralab.width-sweep/1";

    /// <summary>Predicted exponent of the max stable LR in n (docs/protocol-width-sweep.md §3).</summary>
    public static double TheorySlope(ToyReadout readout, InitArm arm) => (readout, arm) switch
    {
        (ToyReadout.Layer, InitArm.A) => -0.5,
        (ToyReadout.Layer, InitArm.B) => -1.0,
        (ToyReadout.Scalar, InitArm.A) => -0.75,
        (ToyReadout.Scalar, InitArm.B) => -1.0,
    };

    public static LrOutcome Outcome(ToyRunResult r) =>
        new(r.Config.Lr, r.Config.Seed, r.Diverged, r.FinalTrainLoss / r.InitialLoss, r.FinalTestLoss / r.InitialTestLoss);

    public static WidthSweepSummary Analyze(WidthSweepConfig config, SweepRuns sweep)
    {
        var readouts = new SortedDictionary<string, ReadoutSummary>(StringComparer.Ordinal);
        foreach (var readout in config.Readouts)
        {
            var a = Arm(config, sweep, readout, InitArm.A);
            var b = Arm(config, sweep, readout, InitArm.B);
            readouts[readout.ToString().ToLowerInvariant()] = new ReadoutSummary(a, b,
                Ratio(config.Widths, a.OptimalLr, b.OptimalLr), Ratio(config.Widths, a.MaxStableLr, b.MaxStableLr));
        }
        return new WidthSweepSummary(Schema, config, config.Widths, config.Seeds(), sweep.GridExtensions, readouts);
    }

    static ArmSummary Arm(WidthSweepConfig config, SweepRuns sweep, ToyReadout readout, InitArm arm)
    {
        var seeds = config.Seeds();
        var runs = sweep.Runs.Where(r => r.Arm == arm && r.Run.Config.Readout == readout).Select(r => r.Run).ToList();
        var byWidth = config.Widths.ToDictionary(w => w, w => runs.Where(r => r.Config.Width == w).ToList());
        var outcomes = byWidth.ToDictionary(kv => kv.Key, kv => kv.Value.Select(Outcome).ToList());
        var selection = outcomes.ToDictionary(kv => kv.Key, kv => LrSelector.Select(kv.Value, seeds, config.BarelyLearnsRatio));
        var leftOut = new SortedDictionary<int, string>();
        foreach (var (w, s) in selection)
        {
            if (s.OptimalLr is null) leftOut[w] = "every LR diverged for some seed";
            else if (s.BarelyLearns) leftOut[w] = $"barely learns: best final/initial train loss {s.BestRelTrain:G3} > {config.BarelyLearnsRatio}";
        }
        var fitWidths = config.Widths.Where(w => !leftOut.ContainsKey(w)).ToArray();
        IReadOnlyList<(double, double)> Points(IReadOnlyList<long> sample, Func<LrSelection, double?> pick) =>
            fitWidths.Select(w => (X: (double)w, Y: pick(LrSelector.Select(outcomes[w], sample, config.BarelyLearnsRatio))))
                .Where(p => p.Y is not null).Select(p => (p.X, p.Y!.Value)).ToList();
        var fit = SlopeFit.PowerLaw(Points(seeds, s => s.OptimalLr));
        var fitMax = SlopeFit.PowerLaw(Points(seeds, s => s.MaxStableLr));
        int rngSeed = (int)(config.Seed * 31 + (int)readout * 7 + (int)arm);
        var ci = SlopeFit.BootstrapCi(seeds, s => Points(s, x => x.OptimalLr), config.BootstrapResamples, rngSeed);
        var ciMax = SlopeFit.BootstrapCi(seeds, s => Points(s, x => x.MaxStableLr), config.BootstrapResamples, rngSeed + 1);
        int diverged = runs.Count(r => r.Diverged);
        return new ArmSummary
        {
            Scheme = config.Scheme(arm).ToString(),
            TheorySlope = TheorySlope(readout, arm),
            OptimalLr = Map(config.Widths, w => selection[w].OptimalLr),
            OptimalLrGrid = Map(config.Widths, w => selection[w].OptimalLrGrid),
            MaxStableLr = Map(config.Widths, w => selection[w].MaxStableLr),
            Slope = fit?.Slope,
            SlopeCi95 = ci is { } c ? [c.Lo, c.Hi] : null,
            MaxStableSlope = fitMax?.Slope,
            MaxStableSlopeCi95 = ciMax is { } m ? [m.Lo, m.Hi] : null,
            RmsZa = Map(config.Widths, w => AtOptimum(byWidth[w], selection[w], r => r.RmsZa.LastOrDefault(double.NaN))),
            RmsZb = Map(config.Widths, w => AtOptimum(byWidth[w], selection[w], r => r.RmsZb.LastOrDefault(double.NaN))),
            RmsZbPeak = Map(config.Widths, w => AtOptimum(byWidth[w], selection[w], r => r.RmsZb.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max())),
            RelTrainLossAtOptimum = Map(config.Widths, w => selection[w].BestRelTrain),
            RelTestLossAtOptimum = Map(config.Widths, w => selection[w].BestRelTest),
            WidthsLeftOut = leftOut,
            UnbracketedWidths = config.Widths.Where(w => selection[w].OptimalLr is not null && !selection[w].Bracketed).ToArray(),
            MaxStableUnbracketedWidths = config.Widths.Where(w => selection[w].MaxStableLr is not null && !selection[w].MaxStableBracketed).ToArray(),
            Runs = runs.Count,
            DivergedRuns = diverged,
            DivergedFraction = runs.Count == 0 ? 0 : (double)diverged / runs.Count,
            Transfer = Transfer(fitWidths, selection),
            LossVsLr = new SortedDictionary<int, LossCurvePoint[]>(byWidth.ToDictionary(kv => kv.Key, kv => Curve(kv.Value))),
            Trajectories = Trajectories(config, byWidth, selection),
        };
    }

    static TransferCheck? Transfer(int[] fitWidths, Dictionary<int, LrSelection> selection)
    {
        if (fitWidths.Length < 3) return null;
        var target = fitWidths[^1];
        var train = fitWidths[..^1];
        var fit = SlopeFit.PowerLaw(train.Select(w => ((double)w, selection[w].OptimalLr!.Value)).ToList());
        if (fit is null) return null;
        var predicted = Math.Exp(fit.Value.Intercept + fit.Value.Slope * Math.Log(target));
        var measured = selection[target].OptimalLr;
        return new TransferCheck(train, target, predicted, measured, measured / predicted);
    }

    static SortedDictionary<int, Trajectory> Trajectories(WidthSweepConfig config, Dictionary<int, List<ToyRunResult>> byWidth,
        Dictionary<int, LrSelection> selection)
    {
        var result = new SortedDictionary<int, Trajectory>();
        foreach (var w in new[] { config.Widths[0], config.Widths[^1] }.Distinct())
        {
            if (selection[w].OptimalLrGrid is not { } lr) continue;
            var run = byWidth[w].First(r => r.Config.Lr == lr && r.Config.Seed == config.Seed);
            result[w] = new Trajectory(lr, run.Config.Seed, run.Loss, run.RmsZa, run.RmsZb, run.DeltaWNorm, run.GradNormA, run.GradNormB);
        }
        return result;
    }

    static double? AtOptimum(List<ToyRunResult> runs, LrSelection s, Func<ToyRunResult, double> value)
    {
        if (s.OptimalLrGrid is not { } lr) return null;
        var values = runs.Where(r => r.Config.Lr == lr).Select(value).ToList();
        return values.All(v => v > 0 && double.IsFinite(v)) ? Math.Exp(values.Average(Math.Log)) : null;
    }

    static LossCurvePoint[] Curve(List<ToyRunResult> runs) =>
        runs.GroupBy(r => r.Config.Lr).OrderBy(g => g.Key).Select(g =>
        {
            var ok = g.Where(r => !r.Diverged).ToList();
            double? Geo(Func<ToyRunResult, double> f) =>
                ok.Count == 0 || ok.Any(r => !(f(r) > 0)) ? null : Math.Exp(ok.Average(r => Math.Log(f(r))));
            return new LossCurvePoint(g.Key, Geo(r => r.FinalTrainLoss / r.InitialLoss), Geo(r => r.FinalTestLoss / r.InitialTestLoss),
                g.Count(r => r.Diverged), g.Count());
        }).ToArray();

    static SortedDictionary<int, double?> Map(IEnumerable<int> widths, Func<int, double?> f) =>
        new(widths.ToDictionary(w => w, f));

    static SortedDictionary<int, double?> Ratio(int[] widths, SortedDictionary<int, double?> a, SortedDictionary<int, double?> b) =>
        Map(widths, w => a[w] is { } x && b[w] is { } y ? x / y : null);
}
