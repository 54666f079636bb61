namespace LoraLab.Experiments.Tune;

/// <summary>One init's ramp: the LR of each completed step (optim.lr times the schedule), the raw and smoothed train
/// loss, how it ended, and the suggestions (none when the curve is too short to read).</summary>
internal sealed record LrFindCurve(
    string Init,
    string RunId,
    string Status,
    int StepsPlanned,
    int StepsCompleted,
    string? StopReason,
    double[] Lr,
    double[] Loss,
    double[] Smoothed,
    IReadOnlyList<LrSuggestion> Suggestions)
{
    public LrSuggestion? Suggestion(string rule) => Suggestions.FirstOrDefault(s => s.Rule == rule);
}

/// <summary>DIR/lr_find.json: the settings and one curve per init.</summary>
internal sealed record LrFindResult(string Name, LrFindSettings Settings, IReadOnlyList<LrFindCurve> Curves)
{
    public const string FileName = "lr_find.json";

    public LrFindCurve Curve(string init) => Curves.First(c => c.Init == init);
}
