using System.Text.Json.Nodes;

namespace LoraLab.Experiments.Sweeps;

/// <summary>One grid point's search result in search.json: its grid point, the edge and/or η* (null when not
/// searched or when the search failed, then <see cref="Failure"/> says why) and how many probes it used.</summary>
internal sealed record CellResult(int Index, string Id, JsonObject Point, EdgeResult? Edge, OptimumResult? Optimum,
    string? Failure, int Probes);
