using LoraLab.IO;
using LoraLab.IO.Config;

namespace LoraLab.Experiments.Sweeps;

/// <summary>DIR/search.json: the search settings and every grid point's result, in plan order. No times, so the
/// same results give the same bytes.</summary>
internal sealed record SearchResults(SearchSpec Search, List<string> Axes, List<CellResult> Cells)
{
    public const string FileName = "search.json";

    public static SearchResults Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new LoraLabException($"{path} not found (run 'loralab sweep run' on a spec with a search " +
                                       "block first)", ExitCodes.Usage);
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<SearchResults>(
                File.ReadAllText(path), ConfigJson.Options)
                   ?? throw new LoraLabException($"{path}: empty", ExitCodes.BadInput);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new LoraLabException($"{path}: malformed: {ex.Message.Split(" Path:")[0]}", ExitCodes.BadInput, ex);
        }
    }
}
