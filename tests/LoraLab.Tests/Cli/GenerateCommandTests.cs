using System.CommandLine;
using LoraLab.Cli;
using LoraLab.Cli.Commands;
using LoraLab.IO;

namespace LoraLab.Tests.Cli;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"loralab-cli-llama-{Guid.NewGuid():N}");
    private static string Bin => RepoPaths.Data("stories260K/stories260K.bin");
    private static string Tok => RepoPaths.Data("stories260K/tok512.bin");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Generate_GreedyFromPrompt_PrintsPromptAndLlama2cContinuation()
    {
        var (code, stdout, _) = Run("generate", Bin, "--tokenizer", Tok, "--prompt", "Once upon a time", "--set",
                                    "max_new_tokens=12");
        Assert.Equal(0, code);
        Assert.StartsWith("Once upon a time, there was a little girl named Lily.", stdout);
    }

    [Fact]
    public void ConvertThenGenerate_HfFolder_GivesTheSameText()
    {
        // Given
        Assert.Equal(0, Run("convert-llama2c", Bin, _dir, "--tokenizer", Tok, "--shard-max-bytes", "500000").Code);

        // When
        var fromHf = Run("generate", _dir, "--set", "max_new_tokens=30", "--set", "temperature=0.9", "--set", "seed=5");
        var fromBin = Run("generate", Bin, "--tokenizer", Tok, "--set", "max_new_tokens=30", "--set", "temperature=0.9",
                          "--set", "seed=5");

        // Then
        Assert.Equal(0, fromHf.Code);
        Assert.Equal(fromBin.Stdout, fromHf.Stdout);
        Assert.True(File.Exists(Path.Combine(_dir, "model.safetensors.index.json")));
    }

    [Fact]
    public void ConvertThenGenerate_FolderWithOnlyTokenizerJson_GivesTheSameText()
    {
        // Given
        Assert.Equal(0, Run("convert-llama2c", Bin, _dir, "--tokenizer", Tok).Code);
        File.Delete(Path.Combine(_dir, "tokenizer.bin"));

        // When
        var fromHf = Run("generate", _dir, "--prompt", "Once upon a time, Tom's cat", "--set", "max_new_tokens=30",
                         "--set", "temperature=0.9", "--set", "seed=5");
        var fromBin = Run("generate", Bin, "--tokenizer", Tok, "--prompt", "Once upon a time, Tom's cat", "--set",
                          "max_new_tokens=30", "--set", "temperature=0.9", "--set", "seed=5");

        // Then
        Assert.Equal(0, fromHf.Code);
        Assert.Equal(fromBin.Stdout, fromHf.Stdout);
        Assert.True(File.Exists(Path.Combine(_dir, "tokenizer.json")));
    }

    [Fact]
    public void Generate_UnknownSetting_IsUsageError()
    {
        var (code, _, stderr) = Run("generate", Bin, "--tokenizer", Tok, "--set", "temprature=0.5");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("temprature", stderr);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var root = new RootCommand { GenerateCommand.Create(), ConvertLlama2cCommand.Create() };
        root.Options.Add(CommandRunner.Verbose);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = CommandRunner.Invoke(root, args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
