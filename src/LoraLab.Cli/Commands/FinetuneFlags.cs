using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Training.Recipes;

namespace LoraLab.Cli.Commands;

/// <summary>
/// The zero-config flags of <c>loralab finetune</c>, each mapped onto the one config record as a <c>--set</c>
/// assignment (so a flag and <c>--set key=value</c> are the same thing): --model → model.*, --data →
/// data.train_path, --rank → lora.rank, ... Without --config, --task first applies the task's zero-config
/// defaults (<see cref="FinetuneTasks.ZeroConfigDefaults"/>). Order: defaults, --config file, flags, --set.
/// </summary>
internal sealed class FinetuneFlags
{
    readonly Option<string?> _model = new("--model")
    { Description = "minilm, a llama2.c .bin (tokenizer found next to it) or a Hugging Face model folder." };
    readonly Option<string?> _data = new("--data")
    { Description = "Training file: .csv .tsv .jsonl .json .parquet (.txt for lm)." };
    readonly Option<string?> _evalData = new("--eval-data")
    { Description = "Eval file (default: a seeded split of --data)." };
    readonly Option<string?> _task = new("--task")
    { Description = "classify, lm, instruct or chat (or a built-in: sst2, wikitext2, ...)." };
    readonly Option<string?> _textColumn = new("--text-column")
    { Description = "Column with the text (default text)." };
    readonly Option<string?> _pairColumn = new("--text-pair-column")
    { Description = "Column with the second text of a pair." };
    readonly Option<string?> _labelColumn = new("--label-column")
    { Description = "Column with the label (default label)." };
    readonly Option<string?> _chatTemplate = new("--chat-template")
    { Description = "chatml, llama3, llama2 or plain (default: chosen from the model folder)." };
    readonly Option<int?> _rank = new("--rank") { Description = "LoRA rank (lora.rank)." };
    readonly Option<double?> _alpha = new("--alpha") { Description = "LoRA alpha (lora.alpha)." };
    readonly Option<string?> _init = new("--init")
    { Description = "LoRA init: a, b, gaussian, pissa, olora, ... (lora.init)." };
    readonly Option<double?> _lr = new("--lr") { Description = "Learning rate (optim.lr)." };
    readonly Option<int?> _steps = new("--steps") { Description = "Optimizer steps (sets epochs=0)." };
    readonly Option<double?> _epochs = new("--epochs") { Description = "Passes over the training set (sets steps=0)." };
    readonly Option<int?> _batchSize = new("--batch-size") { Description = "Examples per step." };
    readonly Option<int?> _maxSeqLen = new("--max-seq-len")
    { Description = "Longest tokenized example (block length for lm)." };
    readonly Option<string?> _targets = new("--targets")
    { Description = "Comma-separated module names (default per architecture: query,value or q_proj,v_proj)." };

    public IEnumerable<Option> Options =>
    [
        _model, _data, _evalData, _task, _textColumn, _pairColumn, _labelColumn, _chatTemplate,
        _rank, _alpha, _init, _lr, _steps, _epochs, _batchSize, _maxSeqLen, _targets,
    ];

    /// <summary>The assignments the flags stand for, zero-config defaults first when there is no config file.</summary>
    public List<string> Assignments(ParseResult parse, bool hasConfigFile)
    {
        var sets = new List<string>();
        var c = CultureInfo.InvariantCulture;
        if (parse.GetValue(_task) is { } taskName)
        {
            var task = EnumNames.Parse<FinetuneTask>(taskName, "task");
            if (!hasConfigFile) sets.AddRange(FinetuneTasks.ZeroConfigDefaults(task));
            sets.Add("task=" + EnumNames.Of(task));
        }
        if (parse.GetValue(_model) is { } model)
        {
            var spec = ModelLocator.Locate(model);
            sets.Add("model.kind=" + EnumNames.Of(spec.Kind));
            sets.Add("model.path=" + Json(spec.Path));
            sets.Add("model.tokenizer_path=" + Json(spec.TokenizerPath));
        }
        void Text(Option<string?> option, string key)
        {
            if (parse.GetValue(option) is { } value) sets.Add($"{key}={Json(value)}");
        }
        Text(_data, "data.train_path");
        Text(_evalData, "data.eval_path");
        Text(_textColumn, "data.text_column");
        Text(_pairColumn, "data.text_pair_column");
        Text(_labelColumn, "data.label_column");
        Text(_chatTemplate, "data.chat_template");
        Text(_init, "lora.init");
        if (parse.GetValue(_rank) is { } rank) sets.Add(string.Format(c, "lora.rank={0}", rank));
        if (parse.GetValue(_alpha) is { } alpha) sets.Add(string.Format(c, "lora.alpha={0:R}", alpha));
        if (parse.GetValue(_lr) is { } lr) sets.Add(string.Format(c, "optim.lr={0:R}", lr));
        var steps = parse.GetValue(_steps);
        var epochs = parse.GetValue(_epochs);
        if (steps is not null && epochs is not null)
            throw new LoraLabException("--steps and --epochs: give one of them", ExitCodes.Usage);
        if (steps is { } s) sets.AddRange([string.Format(c, "steps={0}", s), "epochs=0"]);
        if (epochs is { } e) sets.AddRange([string.Format(c, "epochs={0:R}", e), "steps=0"]);
        if (parse.GetValue(_batchSize) is { } batch) sets.Add(string.Format(c, "batch_size={0}", batch));
        if (parse.GetValue(_maxSeqLen) is { } len) sets.Add(string.Format(c, "max_seq_len={0}", len));
        if (parse.GetValue(_targets) is { } targets)
            sets.Add("lora.target_modules=" + JsonSerializer.Serialize(
                targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        return sets;
    }

    /// <summary>A string as a JSON literal, so the setter never reads a column named "1" or "true" as a number.
    /// </summary>
    static string Json(string? value) => JsonSerializer.Serialize(value);
}
