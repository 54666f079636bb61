using System.CommandLine;
using LoraLab.Core;
using LoraLab.Core.Adapters;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Models.Mlp;
using TorchSharp;

namespace LoraLab.Cli.Commands;

/// <summary><c>loralab adapter init</c>: a fresh, untrained adapter for a built-in model, to inspect an init
/// scheme.</summary>
internal static class AdapterInitCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "Built-in model, e.g. mlp:in=1024,hidden=1024,out=10.",
            Required = true,
        };
        var init = new Option<string>("--init")
        {
            Description = "Init scheme: a, b, gaussian-a, gaussian-b, gaussian, both-random, orthogonal, pissa, olora.",
            DefaultValueFactory = _ => "a",
        };
        var rank = new Option<int>("--rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => 8 };
        var alpha = new Option<double>("--alpha") { Description = "LoRA alpha.", DefaultValueFactory = _ => 16 };
        var gain = new Option<double>("--init-gain")
        {
            Description = "c in sigma = c/sqrt(fan_in) for gaussian-a/gaussian-b.",
            DefaultValueFactory = _ => 1.0,
        };
        var scaling = new Option<string>("--scaling")
        {
            Description = "alpha-over-r or alpha-over-sqrt-r (rsLoRA).",
            DefaultValueFactory = _ => "alpha-over-r",
        };
        var targets = new Option<string[]>("--targets")
        {
            Description = "Target module names (default: every Linear of the model).",
            AllowMultipleArgumentsPerToken = true,
        };
        var seed = new Option<long>("--seed") { Description = "torch seed.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var command = new Command("init",
            "Write a freshly initialized (untrained) LoRA adapter for a built-in model, in PEFT format.\n" +
            "Example: loralab adapter init --model mlp:in=1024,hidden=1024,out=10 --init A --rank 8 --alpha 16 " +
            "--seed 1 --out adapter-a")
        {
            model, init, rank, alpha, gain, scaling, targets, seed, output,
        };
        command.SetAction(parse =>
        {
            var spec = MlpSpec.Parse(parse.GetValue(model)!);
            var lora = new LoraConfig
            {
                Rank = parse.GetValue(rank),
                Alpha = parse.GetValue(alpha),
                Init = EnumNames.Parse<LoraInit>(parse.GetValue(init)!, "init scheme"),
                InitGain = parse.GetValue(gain),
                Scaling = EnumNames.Parse<LoraScaling>(parse.GetValue(scaling)!, "scaling"),
                TargetModules = parse.GetValue(targets) is { Length: > 0 } t ? t : MlpModel.DefaultTargets,
            };
            var errors = lora.Validate().ToList();
            if (errors.Count > 0)
                throw new LoraLabException("invalid LoRA options: " + string.Join("; ", errors), ExitCodes.Usage);

            torch.manual_seed(parse.GetValue(seed));
            var network = new MlpModel(spec);
            var injected = LoraInjector.Inject(network, lora);
            var dir = parse.GetValue(output)!;
            PeftAdapter.Save(dir, network, lora, new AdapterSaveInfo(spec.ToString(), null,
                new LoralabAdapterExtras { Seed = parse.GetValue(seed) }));
            parse.InvocationConfiguration.Output.WriteLine(
                $"{injected.Summary}; init {EnumNames.Of(lora.Init)}; wrote {dir}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
