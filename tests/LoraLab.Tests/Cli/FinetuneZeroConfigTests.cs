using System.Text.Json;
using LoraLab.Cli.Commands;
using LoraLab.Core.Adapters;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Data;
using LoraLab.Training.Recipes;

namespace LoraLab.Tests.Cli;

/// <summary>`loralab finetune --model M --data FILE --task T` without a config file, kept to a few steps.</summary>
[Collection(TorchCollection.Name)]
public sealed class FinetuneZeroConfigTests
{
    static readonly string Stories = RepoPaths.Data("stories260K/stories260K.bin");

    static JsonElement Result(string dir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "result.json"))).RootElement;

    static double Metric(JsonElement result, string which) =>
        result.GetProperty(which).GetProperty("perplexity").GetDouble();

    static string? TrainNote(string dir) => Result(dir).GetProperty("data")[0].GetProperty("note").GetString();

    [Fact]
    public void Instruct_Stories260k_TrainsOnResponses_WritesReproducibleConfig()
    {
        var dir = CliTester.TempDir();
        var run = CliTester.Run("finetune", "--model", Stories, "--data", RepoPaths.Data("examples/instruct.jsonl"),
            "--task", "instruct", "--steps", "4", "--batch-size", "8", "--lr", "3e-3", "--out", dir);

        Assert.True(run.ExitCode == 0, run.Error);
        var result = Result(dir);
        Assert.True(Metric(result, "final_metrics") < Metric(result, "initial_metrics"), run.Output);
        Assert.Contains("Alpaca prompt, loss on the response only", TrainNote(dir));
        Assert.Contains("seeded split of instruct.jsonl", run.Error);
        Assert.Contains("q_proj", PeftAdapter.Read(Path.Combine(dir, "adapter")).Config.TargetModules!.ToString());

        // The written config is the run's config: loading it gives the same record, tokenizer found next to the .bin.
        var written = Path.Combine(dir, FinetuneRecipe.ConfigFile);
        var config = ConfigLoader.Load<FinetuneConfig>(written);
        Assert.Equal(File.ReadAllText(written), ConfigJson.Serialize(config) + "\n");
        Assert.Equal(FinetuneTask.Instruct, config.Task);
        Assert.Equal(RepoPaths.Data("stories260K/tok512.bin"), config.Model.TokenizerPath);
        Assert.Equal((4, 0.0, 3e-3), (config.Steps, config.Epochs, config.Optim.Lr));
        Assert.Equal(["q_proj", "v_proj"], config.Lora.TargetModules);
    }

    [Fact]
    public void Chat_Stories260k_PlainTemplateChosenAndSaid()
    {
        var dir = CliTester.TempDir();
        var run = CliTester.Run("finetune", "--model", Stories, "--data", RepoPaths.Data("examples/chat.jsonl"),
            "--task", "chat", "--steps", "2", "--batch-size", "4", "--out", dir);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("chat template: plain (the model has no chat format LoraLab recognises); " +
                        "LoraLab uses its built-in templates only: Jinja chat_template strings are not executed",
                        run.Error);
        Assert.Contains("loss on assistant turns only", TrainNote(dir));
    }

    [Fact]
    public void Chat_Qwen2Folder_ChatmlFromItsTokenizer()
    {
        var dir = CliTester.TempDir();
        var data = Path.Combine(dir, "chat.jsonl");
        File.WriteAllLines(data, Enumerable.Range(0, 6).Select(i =>
            $"{{\"messages\": [{{\"role\": \"user\", \"content\": \"hi {i}\"}}, " +
            $"{{\"role\": \"assistant\", \"content\": \"yo {i}\"}}]}}"));

        var run = CliTester.Run("finetune", "--model", RepoPaths.Fixture(Path.Combine("hf", "qwen2")), "--data", data,
            "--task", "chat", "--steps", "2", "--batch-size", "2", "--max-seq-len", "64", "--out",
            Path.Combine(dir, "run"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("chat template: chatml (the tokenizer has the token <|im_start|>)", run.Error);
    }

    [Fact]
    public void Classify_MiniLm_StringLabels_LabelMapSavedWithAdapter()
    {
        var dir = CliTester.TempDir();
        var run = CliTester.Run("finetune", "--model", "minilm", "--data", RepoPaths.Data("examples/sst2-sample.csv"),
            "--task", "classify", "--text-column", "text", "--label-column", "label", "--steps", "2",
            "--batch-size", "8",
            "--max-seq-len", "32", "--set", "data.max_eval_examples=16", "--out", dir);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("completed: accuracy", run.Output);
        Assert.Contains("classes: 0=negative, 1=positive", run.Error);
        var map = LabelMap.Load(Path.Combine(dir, "adapter", LabelMap.FileName));
        Assert.Equal(["negative", "positive"], map.Labels);
        var config = PeftAdapter.Read(Path.Combine(dir, "adapter")).Config;
        Assert.Equal("SEQ_CLS", config.TaskType);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", config.BaseModelNameOrPath); // the Hub id, not "minilm"
        Assert.Equal("mean", Result(dir).GetProperty("config").GetProperty("pooling").GetString());   // task default
    }

    [Fact]
    public void Classify_MalformedCsv_ExitsBadInputWithOneLine()
    {
        var dir = CliTester.TempDir();
        File.WriteAllText(Path.Combine(dir, "bad.csv"), "text,label\ngood,1\n\"open quote,0\n");

        var run = CliTester.Run("finetune", "--model", "minilm", "--data", Path.Combine(dir, "bad.csv"),
            "--task", "classify",
            "--out", Path.Combine(dir, "run"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal($"error: {Path.Combine(dir, "bad.csv")}:3: quoted field opened on this line is never closed",
                     run.Error.Split('\n').Single(l => l.StartsWith("error:", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("bad.jsonl",
                "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n{\"text\": \"c\", \"label\": 1}\n" +
                "{\"text\": \"d\" \"label\": 0}\n",
                "{0}: 1 of 4 rows are bad (25%, more than data.max_bad_fraction 1%): {0}:4: malformed JSON")]
    [InlineData("bad.parquet", "text,label\nnot,1\nparquet,0\n", "{0}: not a readable Parquet file")]
    public void Classify_MalformedJsonlOrParquet_ExitsBadInputWithOneLine(string name, string content, string expected)
    {
        var dir = CliTester.TempDir();
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);

        var run = CliTester.Run("finetune", "--model", "minilm", "--data", path, "--task", "classify",
            "--out", Path.Combine(dir, "run"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var error = Assert.Single(run.Error.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith("error: " + string.Format(expected, path), error);
        Assert.DoesNotContain("   at ", run.Error); // no stack trace
    }

    [Theory]
    [InlineData("--model", "/no/such/model",
                "--model /no/such/model: not 'minilm', a llama2.c .bin file or a Hugging Face model folder")]
    [InlineData("--task", "summarize", "unknown task 'summarize'")]
    [InlineData("--steps", "5", "--steps and --epochs: give one of them")]
    public void BadFlags_ExitUsage(string flag, string value, string message)
    {
        var args = new List<string> { "finetune", "--data", "x.txt", flag, value, "--out", CliTester.TempDir() };
        if (flag != "--task") args.AddRange(["--task", "lm"]);
        if (flag == "--steps") args.AddRange(["--epochs", "1"]);

        var run = CliTester.Run([.. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public void UserTaskWithoutData_ExitUsage()
    {
        var run = CliTester.Run("finetune", "--model", "minilm", "--task", "classify", "--out", CliTester.TempDir());

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("task classify reads your files: set data.train_path (--data FILE)", run.Error);
    }
}
