using System.Text.Json.Nodes;
using LoraLab.Experiments.Sweeps;
using LoraLab.Experiments.Tune;
using LoraLab.IO.Config;

namespace LoraLab.Tests.Experiments.Tune;

/// <summary>lr-find end to end on stories260K (a 30-step ramp of 4 × 32 tokens takes about a second per init), and
/// its bad-input paths through the CLI.</summary>
[Collection(TorchCollection.Name)]
public sealed class LrFindTests
{
    static string ModelPath(string model) =>
        model.Contains('/') && File.Exists(model) ? model : RepoPaths.Data(model);

    internal static JsonObject TinyConfig(string model = "stories260K/stories260K.bin") =>
        ConfigLoader.ParseObject($$"""
        {
          "model": { "kind": "llama2c", "path": "{{Esc(ModelPath(model))}}",
                     "tokenizer_path": "{{Esc(RepoPaths.Data("stories260K/tok512.bin"))}}" },
          "task": "tinyshakespeare",
          "data": { "train_path": "{{Esc(RepoPaths.Data("tinyshakespeare/input.txt"))}}",
                    "eval_path": "{{Esc(RepoPaths.Data("tinyshakespeare/input.txt"))}}",
                    "train_fraction": 0.9, "max_train_examples": 64, "max_eval_examples": 8 },
          "max_seq_len": 32, "batch_size": 4, "steps": 30, "eval_every": 0, "eval_batch_size": 4,
          "lora": { "rank": 2, "alpha": 4, "target_modules": ["q_proj", "v_proj"], "init": "a" },
          "optim": { "lr": 3e-3 }, "threads": 1, "save_adapter": false, "tensorboard": false
        }
        """, "tiny");

    static string Esc(string path) => path.Replace("\\", "\\\\");

    [Fact]
    public void Run_Stories260K_TwoRampsOnTheFinetuneLoopAndResumable()
    {
        using var dir = new TempDirectory();
        var settings = new LrFindSettings { Steps = 30, MinLr = 1e-4, MaxLr = 1e3, StopFactor = 1.1 };

        var result = LrFind.Run("tiny", TinyConfig(), settings, dir.Path, RunKinds.Default, new SweepRunOptions(),
                                TextWriter.Null);
        LrFindReport.Write(result, dir.Path);

        Assert.Equal(["a", "b"], result.Curves.Select(c => c.Init));
        foreach (var c in result.Curves)
        {
            Assert.InRange(c.StepsCompleted, 3, 30);
            Assert.Equal(1e-4, c.Lr[0], 15);
            Assert.All(c.Loss, l => Assert.True(double.IsFinite(l)));
            // The loop ran the ramp: the recipe's own config holds the range-test schedule and the stop monitor.
            var config = File.ReadAllText(Path.Combine(dir.Path, "runs", c.RunId, FinetuneRunKind.OutputFolder,
                                                       "config.json"));
            Assert.Contains("\"decay\": \"range-test\"", config);
            Assert.Contains("\"smoothed_loss\": 1.1", config);
        }
        // Towards LR 1e3 the loss rises past 1.1 × its smoothed minimum: the stop ends the ramp early (the final
        // RMSNorm keeps an LM's loss bounded, so at the default 4 × a ramp this short may run to its end).
        Assert.Contains(result.Curves, c => c.StepsCompleted < 30 && c.StopReason!.Contains("smoothed loss"));
        foreach (var file in new[] { LrFindResult.FileName, LrFindReport.CsvFile, LrFindReport.HtmlFile })
            Assert.True(File.Exists(dir.File(file)), file);
        Assert.StartsWith("init,step,lr,loss,smoothed_loss\na,1,0.0001,",
                          File.ReadAllText(dir.File(LrFindReport.CsvFile)));

        var before = Directory.GetFiles(dir.Path, "result.json", SearchOption.AllDirectories).Select(
            File.GetLastWriteTimeUtc).ToList();
        var again = LrFind.Run("tiny", TinyConfig(), settings, dir.Path, RunKinds.Default, new SweepRunOptions(),
                               TextWriter.Null);
        Assert.Equal(before, Directory.GetFiles(dir.Path, "result.json", SearchOption.AllDirectories).Select(
            File.GetLastWriteTimeUtc));
        Assert.Equal(ConfigJson.Serialize(result), ConfigJson.Serialize(again));
    }

    [Fact]
    public void Cli_CorruptModel_OneLineExit65AndNoOutputFolder()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("broken.bin"), new byte[100]);
        File.WriteAllText(dir.File("config.json"), TinyConfig(dir.File("broken.bin")).ToJsonString());
        var outDir = dir.File("out");

        var r = CliTester.Run("lr-find", "--config", dir.File("config.json"), "--out", outDir);

        Assert.Equal(65, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'), l => l.StartsWith("error:"));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Cli_UnknownConfigKeyOrLrA_Exit64()
    {
        using var dir = new TempDirectory();
        var config = TinyConfig();
        config["stepz"] = 3;
        File.WriteAllText(dir.File("bad.json"), config.ToJsonString());
        config.Remove("stepz");
        config["optim"]!["lr_a"] = 1e-3;
        File.WriteAllText(dir.File("lra.json"), config.ToJsonString());

        var unknown = CliTester.Run("lr-find", "--config", dir.File("bad.json"), "--out", dir.File("o1"));
        var lrA = CliTester.Run("lr-find", "--config", dir.File("lra.json"), "--out", dir.File("o2"));

        Assert.Equal(64, unknown.ExitCode);
        Assert.Contains("stepz", unknown.Error);
        Assert.Equal(64, lrA.ExitCode);
        Assert.Contains("optim.lr_a", lrA.Error);
        Assert.False(Directory.Exists(dir.File("o1")) || Directory.Exists(dir.File("o2")));
    }
}
