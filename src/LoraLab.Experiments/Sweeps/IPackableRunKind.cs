using System.Text.Json.Nodes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// A run kind whose runs can be trained together in one pass (<c>sweep run --pack K</c>): runs with the same
/// <see cref="PackKey"/> share the frozen model and the data, so a packed pass computes what they share once and
/// each run still gets its own outcome, equal to its separate run's to float tolerance (docs/performance.md,
/// "Packing K adapters into one pass").
/// </summary>
internal interface IPackableRunKind : IRunKind
{
    /// <summary>What runs must share to be packed: the canonical JSON of the resolved config without the keys a
    /// pack may vary (e.g. init and learning rates).</summary>
    string PackKey(JsonObject resolved);

    /// <summary>The relative cost of one run in a pass (any unit, the same for every run of the kind): how a search
    /// wave splits and orders its passes so that the jobs finish together.</summary>
    double Cost(JsonObject resolved);

    /// <summary>Runs all of <paramref name="resolved"/> (same <see cref="PackKey"/>) in one pass; outcomes in
    /// order.</summary>
    IReadOnlyList<RunOutcome> ExecutePacked(IReadOnlyList<JsonObject> resolved, int threads, CancellationToken ct);
}
