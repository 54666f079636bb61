using System.Globalization;
using LoraLab.IO.Config;

namespace LoraLab.Training.Recipes;

/// <summary>One firing of a monitor: a line for the log and an event record for metrics.jsonl.</summary>
internal sealed record MonitorEvent(string Monitor, int Step, double Value, double Threshold, string Detail)
{
    public string Line(MonitorAction action) => string.Format(CultureInfo.InvariantCulture,
        "monitor {0} at step {1}: {2} (value {3:G4}, threshold {4:G4}) -> {5}",
        Monitor, Step, Detail, Value, Threshold, EnumNames.Of(action));

    public StepRecord Record(MonitorAction action) => new()
    {
        Kind = "event", Step = Step, Monitor = Monitor, Value = Value, Threshold = Threshold,
        Action = EnumNames.Of(action), Detail = Detail,
    };
}

/// <summary>
/// The checks of <see cref="MonitorConfig"/> on values the loop has already read (loss and group grad norms every
/// step, per-layer diagnostics every log_every steps): plain doubles, no tensor work. The running windows are the
/// whole state and go into checkpoints, so a resumed run fires exactly where an unbroken one would.
/// </summary>
internal sealed class InstabilityMonitors(MonitorConfig config, Dictionary<string, List<double>> windows)
{
    public Dictionary<string, List<double>> Windows => windows;

    public List<MonitorEvent> CheckStep(int step, double loss, GradStats grads, bool hasOther)
    {
        var events = new List<MonitorEvent>();
        Spike("loss_spike", step, loss, config.LossSpike, "loss", events);
        Spike("grad_spike_a", step, grads.NormA, config.GradSpike, "grad norm of lora_A", events);
        Spike("grad_spike_b", step, grads.NormB, config.GradSpike, "grad norm of lora_B", events);
        if (hasOther) Spike("grad_spike_other", step, grads.NormOther, config.GradSpike, "grad norm of other", events);
        if (config.SmoothedLoss > 0) Smoothed(step, loss, events);
        return events;
    }

    /// <summary>Lightning's LearningRateFinder stop: the bias-corrected EMA of the loss against its minimum, from the
    /// second step on. State [avg, t, best] in the window "smoothed_loss" (checkpointed like the others).</summary>
    void Smoothed(int step, double loss, List<MonitorEvent> events)
    {
        var state = Window("smoothed_loss");
        if (state.Count != 3) state.AddRange([0.0, 0.0, double.PositiveInfinity]);
        var beta = config.Smoothing;
        var avg = beta * state[0] + (1 - beta) * loss;
        var t = state[1] + 1;
        var smoothed = avg / (1 - Math.Pow(beta, t));
        var best = state[2];
        if (t > 1 && smoothed > config.SmoothedLoss * best)
            events.Add(new("smoothed_loss", step, smoothed, config.SmoothedLoss * best, string.Format(
                CultureInfo.InvariantCulture, "smoothed loss {0:G4} > {1} x its minimum {2:G4}", smoothed,
                config.SmoothedLoss, best)));
        if (smoothed < best || t == 1) best = smoothed;
        (state[0], state[1], state[2]) = (avg, t, best);
    }

    /// <summary><paramref name="zaRms"/>: per layer over the last log_every steps; <paramref name="updateRatios"/>:
    /// per layer for this step (NaN where B·A was 0).</summary>
    public List<MonitorEvent> CheckLog(int step, IReadOnlyList<double> zaRms, IReadOnlyList<double> updateRatios)
    {
        var events = new List<MonitorEvent>();
        var za = zaRms.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        var previous = Window("za_rms");
        var last = previous.Count > 0 ? previous[^1] : double.NaN;
        if (config.ZaGrowth > 0 && step >= config.MinHistory && last > 0 && za > config.ZaGrowth * last)
            events.Add(new("za_growth", step, za / last, config.ZaGrowth, string.Format(CultureInfo.InvariantCulture,
                           "max RMS(Z_A) {0:G4} -> {1:G4} since the last log", last, za)));
        if (double.IsFinite(za)) Push(previous, za);
        var (ratio, layer) = updateRatios.Select((r, i) => (r, i)).Where(t => double.IsFinite(t.r))
                                         .DefaultIfEmpty((double.NaN, -1)).MaxBy(t => t.Item1);
        if (config.UpdateRatio > 0 && step >= config.MinHistory && ratio > config.UpdateRatio)
            events.Add(new("update_ratio", step, ratio, config.UpdateRatio,
                           $"|Δ(BA)|/|BA| of layer {layer} in one step"));
        return events;
    }

    void Spike(string name, int step, double value, double factor, string what, List<MonitorEvent> events)
    {
        var window = Window(name);
        if (factor > 0 && step > config.MinHistory && window.Count > 0)
        {
            var median = Median(window);
            if (median > 0 && value > factor * median)
                events.Add(new(name, step, value, factor * median, string.Format(CultureInfo.InvariantCulture,
                               "{0} {1:G4} > {2} x running median {3:G4}", what, value, factor, median)));
        }
        if (double.IsFinite(value)) Push(window, value);
    }

    List<double> Window(string name)
    {
        if (!windows.TryGetValue(name, out var w)) windows[name] = w = [];
        return w;
    }

    void Push(List<double> window, double value)
    {
        window.Add(value);
        if (window.Count > config.Window) window.RemoveAt(0);
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
