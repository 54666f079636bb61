using System.CommandLine;
using LoraLab.Experiments.Eval;
using LoraLab.IO;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab eval --adapter NEW (--baseline-adapter OLD | --baseline base) [--data DEV] --out DIR</c>
/// (AdapterEval).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var adapter = new Option<string>("--adapter")
        {
            Description = "The candidate adapter folder (PEFT format).", Required = true,
        };
        var baselineAdapter = new Option<string?>("--baseline-adapter")
        {
            Description = "The adapter in service, to compare against.",
        };
        var baseline = new Option<string?>("--baseline")
        {
            Description = "'base': compare against the base model instead.",
        };
        var model = new Option<string?>("--model")
        {
            Description = "Model kind (minilm, llama2c, hf-bert, hf-llama) or weights path; default: the trained one.",
        };
        var data = new Option<string?>("--data")
        {
            Description = "Eval file (GLUE TSV or text), read whole; default: the config's eval set.",
        };
        var config = new Option<string?>("--config")
        {
            Description = "Finetune config the adapters were trained with; default: result.json's beside --adapter.",
        };
        var set = new Option<string[]>("--set") { Description = "Override a config key: --set eval_batch_size=16." };
        var output = new Option<string>("--out")
        {
            Description = "Output folder: eval.json, eval.html, examples.csv.", Required = true,
        };
        var seed = new Option<int>("--bootstrap-seed")
        {
            Description = "Seed of the paired bootstrap.", DefaultValueFactory = _ => 20240607,
        };
        var command = new Command("eval",
            "Compare a new adapter with the one in service (or the base model) on held-out data, example by example: " +
            "paired bootstrap interval of the task metric, exact McNemar (classification) or paired t on per-example " +
            "loss (language modelling), and a verdict switch / keep / inconclusive with the smallest effect the data " +
            "can detect.\n" +
            "Example: loralab eval --adapter runs/sst2-b/adapter --baseline-adapter runs/sst2-a/adapter " +
            "--data data/sst2/glue_dev.tsv --out runs/eval-sst2")
        {
            adapter, baselineAdapter, baseline, model, data, config, set, output, seed,
        };
        command.SetAction(parse =>
        {
            var candidate = parse.GetValue(adapter)!;
            var old = BaselineOf(parse.GetValue(baselineAdapter), parse.GetValue(baseline));
            var cfg = AdapterEval.ResolveConfig(parse.GetValue(config), parse.GetValue(set) ?? [],
                                                parse.GetValue(model), candidate, old);
            var outDir = parse.GetValue(output)!;
            var request = new EvalRequest(cfg, candidate, old, parse.GetValue(data),
                                          BootstrapSeed: parse.GetValue(seed));
            parse.InvocationConfiguration.Output.WriteLine(
                AdapterEval.RunAndSummarize(request, outDir, parse.InvocationConfiguration.Error));
            return ExitCodes.Ok;
        });
        return command;
    }

    static string? BaselineOf(string? adapter, string? baseline) => (adapter, baseline) switch
    {
        (not null, null) => adapter,
        (null, "base") => null,
        (null, not null) => throw new LoraLabException($"--baseline takes 'base', got '{baseline}'", ExitCodes.Usage),
        (not null, not null) => throw new LoraLabException("give --baseline-adapter or --baseline base, not both",
                                                           ExitCodes.Usage),
        (null, null) => throw new LoraLabException("give --baseline-adapter DIR or --baseline base", ExitCodes.Usage),
    };
}
