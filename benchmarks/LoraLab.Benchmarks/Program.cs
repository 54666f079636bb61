using LoraLab.Benchmarks;
using LoraLab.Runtime;
using TorchSharp;

// dotnet run -c Release --project benchmarks/LoraLab.Benchmarks -- <name> [--threads N] [--batch B]
// [--no-malloc-tuning]
//   [--check] [--export DIR] [--config PATH --steps N] [--seconds N]
// (--batch: sequences per run for minilm-pack, default 32; --check / --export: the PyTorch-peer workloads *-peer,
// see scripts/bench-peers.sh)
string? Text(string flag) => args.SkipWhile(a => a != flag).Skip(1).FirstOrDefault();
var export = Text("--export");
var configPath = Text("--config") ?? "configs/minilm-sst2.json";
var check = args.Contains("--check");
var name = args.Where(a => a != export && a != configPath)
               .FirstOrDefault(a => !a.StartsWith("--") && !int.TryParse(a, out _)) ?? "all";
int Option(string flag, int fallback) =>
    args.SkipWhile(a => a != flag).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
var threads = Option("--threads", 2);
var batch = Option("--batch", 32);
var tuned = !args.Contains("--no-malloc-tuning") && NativeRuntime.Configure();
var mkl = MklCpuDispatch.Enable();   // LORALAB_MKL_VENDOR_CHECK=keep: MKL's vendor-based choice (AVX2 on AMD)
torch.set_num_threads(threads);
Console.WriteLine($"# torch {torch.__version__}, threads {torch.get_num_threads()}, malloc tuning " +
                  $"{(tuned ? "on" : "off")}, MKL dispatch {mkl}, " +
                  $"OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(default)"}");
MachineInfo.PrintHeader();

var benchmarks = new Dictionary<string, Action>
{
    ["lora-linear"] = LoraLinearBenchmark.Run,
    ["machine"] = () => { },                                   // the header alone: CPU, MKL's ISA, threads, GEMM peak
    ["gemm"] = GemmBenchmark.Run,
    ["minilm-step"] = MiniLmStepBenchmark.Run,
    ["minilm-pack"] = () => MiniLmPackingBenchmark.Run(batch),
    ["stories-step"] = StoriesStepBenchmark.Run,
    ["minilm-peer"] = () => MiniLmPeerBenchmark.Run(export, check),
    ["stories-peer"] = () => StoriesPeerBenchmark.Run(export, check),
    ["generate-peer"] = () => GeneratePeerBenchmark.Run(export, check),
    ["toy-peer"] = () => ToyPeerBenchmark.Run(export, check),
    ["toy-pass"] = ToyPassBenchmark.Run,
    ["gemm-blocks"] = GemmBlocksBenchmark.Run,
    ["finetune-step"] = () => FinetuneStepBenchmark.Run(configPath, Option("--steps", 20)),
    ["generate"] = GenerateBenchmark.Run,
    ["generate-profile"] = () => GenerateProfileBenchmark.Run(Option("--seconds", 0)),
    ["finetune-monitors"] = () => FinetuneMonitorsBenchmark.Run(threads),
};
foreach (var (key, run) in benchmarks)
    if (name == key || name == "all" && !key.EndsWith("-peer")
        && key is not ("finetune-step" or "finetune-monitors" or "machine" or "generate-profile"))
        run();
if (name != "all" && !benchmarks.ContainsKey(name))
{
    Console.Error.WriteLine($"unknown benchmark '{name}'; known: {string.Join(", ", benchmarks.Keys)}");
    return 64;
}
return 0;
