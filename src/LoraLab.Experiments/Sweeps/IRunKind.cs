using System.Text.Json.Nodes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>
/// A kind of run a sweep can execute ("toy", "finetune"). A kind turns a merged config tree into its resolved form
/// (strict load + validation: every problem is found at plan time, before any run starts) and executes one run.
/// Implementations must be deterministic given the resolved config and <see cref="RunContext.Threads"/>.
/// </summary>
public interface IRunKind
{
    string Name { get; }

    /// <summary>Metrics this kind reports, with their direction; the first is the default for compare.</summary>
    IReadOnlyList<MetricInfo> Metrics { get; }

    /// <summary>Config keys that change how a run executes but not what it computes (e.g. <c>threads</c>): they are
    /// removed from the resolved config, so they do not enter run ids or summaries.</summary>
    IReadOnlyList<string> ExecutionKeys { get; }

    /// <summary>Strictly loads <paramref name="merged"/> (defaults ⊕ base ⊕ grid point) and returns the full config
    /// as JSON. Throws <see cref="LoraLab.IO.LoraLabException"/> naming <paramref name="source"/> on any
    /// problem.</summary>
    JsonObject Resolve(JsonObject merged, string source);

    /// <summary>True when runs with one torch thread each may execute concurrently in this process (no global state
    /// beyond the thread count): <c>--jobs N</c> then uses threads instead of child processes.</summary>
    bool ConcurrentInProcess => false;

    /// <summary>Runs once. Divergence is an outcome, not an exception; exceptions mark the run failed.</summary>
    RunOutcome Execute(JsonObject resolved, RunContext context);
}
