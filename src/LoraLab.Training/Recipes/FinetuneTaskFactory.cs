using LoraLab.IO;
using LoraLab.IO.Config;
using LoraLab.Models;
using LoraLab.Models.Bert;
using LoraLab.Models.Llama;
using LoraLab.Models.Tokenizers;
using LoraLab.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace LoraLab.Training.Recipes;

/// <summary>Builds the <see cref="IFinetuneTask"/> a config asks for: loads the pretrained model and tokenizer, reads
/// and splits the data, and reports what was read. Torch must already be seeded (the classification head is drawn
/// here).</summary>
public static class FinetuneTaskFactory
{
    public static IFinetuneTask Create(FinetuneConfig config, TextWriter log)
    {
        var (trainPath, evalPath) = ResolvePaths(config);
        return FinetuneTasks.IsClassification(config.Task)
            ? CreateClassification(config, trainPath, evalPath, log)
            : CreateCausalLm(config, trainPath, evalPath, log);
    }

    /// <summary><c>loralab eval</c>: the model with the config's eval set, <paramref name="dataPath"/> replacing
    /// data.eval_path when given (the training file itself means its held-out part, as finetune split it). The
    /// training set is cut to one example: only the eval examples are scored.</summary>
    public static IFinetuneTask CreateForEval(FinetuneConfig config, string? dataPath, TextWriter log)
    {
        var data = config.Data with
        {
            EvalPath = dataPath ?? config.Data.EvalPath, MaxTrainExamples = 1, HeldoutFraction = 0,
        };
        return Create(config with { Data = data }, log);
    }

    /// <summary>(train, eval) files; eval is null for a user-data task without one (its train file is split).</summary>
    static (string Train, string? Eval) ResolvePaths(FinetuneConfig config)
    {
        var (train, eval) = FinetuneTasks.DefaultPaths(config.Task);
        var trainPath = config.Data.TrainPath ?? train
                        ?? throw new LoraLabException(
                            $"task {EnumNames.Of(config.Task)} needs data.train_path (--data FILE)", ExitCodes.Usage);
        return (trainPath, config.Data.EvalPath ?? eval);
    }

    static IFinetuneTask CreateClassification(FinetuneConfig config, string trainPath, string? evalPath, TextWriter log)
    {
        if (config.Task == FinetuneTask.Classify)
        {
            var (userTrain, userEval, userReports, labels) =
                UserDataLoader.ReadClassification(config.Data, trainPath, evalPath);
            log.WriteLine($"classes: {string.Join(", ", labels.Labels.Select((l, i) => $"{i}={l}"))} " +
                          $"(saved with the adapter as {LabelMap.FileName})");
            var (userKept, userHeld) = HeldOutSlice.Split(userTrain, config.Data, contiguous: false);
            var (classifier, pairs) = LoadClassifier(config, labels.Count, log);
            return new ClassificationTask(classifier, pairs, config.MaxSeqLen, userKept, userEval,
                HeldOutSlice.Reports(userReports.ToList(), userKept.Count, userHeld.Count, config.Data, false),
                "accuracy", labels, userHeld);
        }
        var format = config.Task switch
        {
            FinetuneTask.Sst2 => TsvFormat.Sst2,
            FinetuneTask.Cola => TsvFormat.Cola,
            FinetuneTask.Mrpc => TsvFormat.Mrpc,
            FinetuneTask.Qnli => TsvFormat.Qnli,
            FinetuneTask.Rte => TsvFormat.Rte,
            _ => throw new InvalidOperationException($"{config.Task} is not a classification task"),
        };
        var (all, eval, reports) = ReadClassification(config, format, trainPath, evalPath ?? trainPath);
        var (train, heldOut) = HeldOutSlice.Split(all, config.Data, contiguous: false);
        var (model, tokenizer) = LoadClassifier(config, format.Labels.Count, log);
        return new ClassificationTask(model, tokenizer, config.MaxSeqLen, train, eval,
                                      HeldOutSlice.Reports(reports, train.Count, heldOut.Count, config.Data, false),
                                      FinetuneTasks.PrimaryMetric(config.Task), heldOut: heldOut);
    }

    /// <summary>The encoder with a <paramref name="numLabels"/>-way head, and its pair tokenizer: BERT/MiniLM with
    /// <see cref="BertClassifier"/> (config.pooling) and WordPiece; RoBERTa as RobertaForSequenceClassification with
    /// its byte-level BPE.</summary>
    static (nn.Module<BertInput, Tensor> Model, IPairTokenizer Tokenizer) LoadClassifier(
        FinetuneConfig config, int numLabels, TextWriter log)
    {
        log.WriteLine($"loading {EnumNames.Of(config.Model.Kind)} {config.Model.Path ?? "(default)"} ...");
        if (config.Model.Kind == ModelKind.HfRoberta)
        {
            var folder = config.Model.Path!;
            var roberta = HfBert.LoadRobertaClassifier(folder, numLabels);
            CheckPositions(roberta.Roberta.Config, config.MaxSeqLen, folder);
            return (roberta, new RobertaPairTokenizer(ByteLevelBpeFiles.Load(folder), folder));
        }
        var hfBert = config.Model.Kind == ModelKind.HfBert;
        var encoder = hfBert
            ? new PretrainedBert(HfBert.Load(config.Model.Path!), Path.Combine(config.Model.Path!, "vocab.txt"))
            : MiniLm.Load(config.Model.Path);
        CheckPositions(encoder.Model.Config, config.MaxSeqLen, config.Model.Path ?? "minilm");
        var tokenizer = hfBert ? BertTextTokenizer.FromFolder(config.Model.Path!)  // cased or uncased, as it says
            : BertTextTokenizer.FromVocab(encoder.VocabPath);                       // all-MiniLM-L6-v2 is uncased
        return (new BertClassifier(encoder.Model, numLabels, config.Pooling, config.ClassifierDropout),
                new BertPairTokenizer(tokenizer));
    }

    /// <summary>max_seq_len must fit the position table: a usage error before training, not a failed batch.</summary>
    static void CheckPositions(BertConfig model, int maxSeqLen, string name)
    {
        if (maxSeqLen > model.MaxTokens)
            throw new LoraLabException(
                $"max_seq_len {maxSeqLen} exceeds {name}'s {model.MaxTokens} positions (--max-seq-len)",
                ExitCodes.Usage);
    }

    /// <summary>Train and eval examples; one file for both is split by <see cref="SeededSplit"/>.</summary>
    internal static (List<ClassificationExample> Train, List<ClassificationExample> Eval,
        List<DatasetLoadReport> Reports)
        ReadClassification(FinetuneConfig config, TsvFormat format, string trainPath, string evalPath)
    {
        var data = config.Data;
        if (trainPath == evalPath)
        {
            var (all, report) = GlueTsvReader.Read(trainPath, format, data.OnBadRows, "", data.MaxBadFraction);
            var (trainIdx, evalIdx) = SeededSplit.Indices(all.Count, data.TrainFraction, data.SplitSeed);
            var train = Take(trainIdx.Select(i => all[i]).ToList(), data.MaxTrainExamples);
            var eval = Take(evalIdx.Select(i => all[i]).ToList(), data.MaxEvalExamples);
            string Note(bool trainPart) =>
                SeededSplit.Describe(trainPath, data.TrainFraction, data.SplitSeed, trainPart);
            return (train, eval,
            [
                report with { Role = "train", Examples = train.Count, Note = Note(true) },
                report with { Role = "eval", Examples = eval.Count, Note = Note(false) },
            ]);
        }
        var (trainAll, trainReport) =
            GlueTsvReader.Read(trainPath, format, data.OnBadRows, "train", data.MaxBadFraction);
        var (evalAll, evalReport) = GlueTsvReader.Read(evalPath, format, data.OnBadRows, "eval", data.MaxBadFraction);
        var t = Take(trainAll, data.MaxTrainExamples);
        var e = Take(evalAll, data.MaxEvalExamples);
        return (t, e, [trainReport with { Examples = t.Count }, evalReport with { Examples = e.Count }]);
    }

    static IFinetuneTask CreateCausalLm(FinetuneConfig config, string trainPath, string? evalPath, TextWriter log)
    {
        var hf = config.Model.Kind is ModelKind.HfLlama or ModelKind.HfGpt2;
        var modelPath = config.Model.Path ?? "data/stories260K/stories260K.bin";
        log.WriteLine($"loading {EnumNames.Of(config.Model.Kind)} from {modelPath} ...");
        // An HF folder brings its own tokenizer (tokenizer.bin, else tokenizer.json: SentencePiece-style or byte-level
        // BPE, or GPT-2's vocab.json + merges.txt).
        var tokenizerPath = config.Model.TokenizerPath ?? (hf ? null : "data/stories260K/tok512.bin");
        var pretrained = PretrainedModels.LoadCausalLm(modelPath, tokenizerPath);
        var model = pretrained.Model; // LlamaModel (llama2.c, llama, mistral, qwen2) or Gpt2Model
        if (config.MaxSeqLen > pretrained.Decoder.MaxContext)
            throw new LoraLabException($"max_seq_len {config.MaxSeqLen} exceeds the model's " +
                                       $"{pretrained.Decoder.MaxContext}",
                                       ExitCodes.Usage);
        ITextTokenizer tokenizer = pretrained.Tokenizer is Llama2cTokenizer sentencePiece
            ? new Llama2cTextTokenizer(sentencePiece)
            : new ModelTextTokenizer(pretrained.Tokenizer);
        var (all, eval, reports) = config.Task switch
        {
            FinetuneTask.Gsm8k => ReadPromptAnswer(config, tokenizer, trainPath, evalPath ?? trainPath),
            FinetuneTask.Instruct => UserDataLoader.ReadFormatted<InstructionRecord>(config.Data, trainPath, evalPath,
                InstructionFormatter.TryParse, InstructionFormatter.Segments, tokenizer, config.MaxSeqLen,
                "Alpaca prompt, loss on the response only"),
            FinetuneTask.Chat => ReadChat(config, tokenizer, trainPath, evalPath, log),
            FinetuneTask.Lm => DataFormats.Resolve(config.Data.Format, trainPath) == DataFormat.Text
                ? ReadCorpus(config, tokenizer, trainPath, evalPath ?? trainPath)
                : ReadRecordCorpus(config, tokenizer, trainPath, evalPath),
            FinetuneTask.Wikitext2 or FinetuneTask.Tinyshakespeare or FinetuneTask.Tinystories =>
                ReadCorpus(config, tokenizer, trainPath, evalPath ?? trainPath),
            FinetuneTask.Sst2 or FinetuneTask.Cola or FinetuneTask.Mrpc or FinetuneTask.Qnli or FinetuneTask.Rte
                or FinetuneTask.Classify =>
                throw new InvalidOperationException($"{config.Task} is not a causal-LM task"),
        };
        // Token blocks of one text stream are held out as its last stretch; documents and records by seed.
        var corpus = config.Task is FinetuneTask.Wikitext2 or FinetuneTask.Tinyshakespeare or FinetuneTask.Tinystories
                     || config.Task == FinetuneTask.Lm
                     && DataFormats.Resolve(config.Data.Format, trainPath) == DataFormat.Text;
        var (train, heldOut) = HeldOutSlice.Split(all, config.Data, corpus);
        var heldReports = HeldOutSlice.Reports(reports, train.Count, heldOut.Count, config.Data, corpus);
        return new CausalLmTask(model, train, eval, heldReports, heldOut);
    }

    static (List<CausalLmExample>, List<CausalLmExample>, List<DatasetLoadReport>) ReadChat(
        FinetuneConfig config, ITextTokenizer tokenizer, string trainPath, string? evalPath, TextWriter log)
    {
        var (template, reason) = ChatTemplateChooser.Choose(config.Data.ChatTemplate, config.Model.Path, tokenizer);
        log.WriteLine($"chat template: {EnumNames.Of(template)} ({reason}); LoraLab uses its built-in " +
                      "templates only: Jinja chat_template strings are not executed");
        var column = config.Data.MessagesColumn;
        bool Parse(System.Text.Json.Nodes.JsonObject f, out List<ChatMessage> m, out string why) =>
            ChatFormatter.TryParse(f, column, template, out m, out why);
        return UserDataLoader.ReadFormatted<List<ChatMessage>>(config.Data, trainPath, evalPath, Parse,
            m => ChatFormatter.Segments(template, m), tokenizer, config.MaxSeqLen,
            $"{EnumNames.Of(template)} template, loss on assistant turns only");
    }

    /// <summary>Task lm on a record file: each row's text is a document; rows split by seed without an eval file.
    /// </summary>
    static (List<CausalLmExample>, List<CausalLmExample>, List<DatasetLoadReport>) ReadRecordCorpus(
        FinetuneConfig config, ITextTokenizer tokenizer, string trainPath, string? evalPath)
    {
        var (trainDocs, evalDocs, trainFile, evalFile, split) =
            UserDataLoader.ReadDocuments(config.Data, trainPath, evalPath);
        var (train, trainReport) = Blocks(trainDocs, trainPath, "train", split.TrainNote, tokenizer, config.MaxSeqLen,
                                          config.Data.MaxTrainExamples);
        var (eval, evalReport) = Blocks(evalDocs, evalPath ?? trainPath, "eval", split.EvalNote, tokenizer,
                                        config.MaxSeqLen, config.Data.MaxEvalExamples);
        return (train, eval,
        [
            trainFile.Report("train", train.Count, trainReport.Note) with { Tokens = trainReport.Tokens },
            (evalFile ?? trainFile).Report("eval", eval.Count, evalReport.Note) with { Tokens = evalReport.Tokens },
        ]);
    }

    /// <summary>Token blocks of a text corpus; one file for both is cut contiguously at data.train_fraction.</summary>
    internal static (List<CausalLmExample>, List<CausalLmExample>, List<DatasetLoadReport>) ReadCorpus(
        FinetuneConfig config, ITextTokenizer tokenizer, string trainPath, string evalPath)
    {
        var data = config.Data;
        string trainText, evalText, trainNote, evalNote;
        if (trainPath == evalPath)
        {
            (trainText, evalText) = TextCorpus.SplitAt(TextCorpus.ReadText(trainPath), data.TrainFraction);
            trainNote = $"first {data.TrainFraction:P0} of the characters (contiguous split)";
            evalNote = $"last {1 - data.TrainFraction:P0} of the characters (contiguous split)";
        }
        else
        {
            (trainText, evalText) = (TextCorpus.ReadText(trainPath), TextCorpus.ReadText(evalPath));
            (trainNote, evalNote) = ("whole file", "whole file");
            if (config.Task == FinetuneTask.Wikitext2)
                (trainNote, evalNote) = ("WikiText-2 train.txt is not in data/: trains on valid.txt",
                                         "evaluates on test.txt");
        }
        var (train, trainReport) = Blocks(trainText, trainPath, "train", trainNote, tokenizer, config.MaxSeqLen,
                                          data.MaxTrainExamples);
        var (eval, evalReport) = Blocks(evalText, evalPath, "eval", evalNote, tokenizer, config.MaxSeqLen,
                                        data.MaxEvalExamples);
        return (train, eval, [trainReport, evalReport]);
    }

    static (List<CausalLmExample>, DatasetLoadReport) Blocks(string text, string path, string role, string note,
                                                             ITextTokenizer tokenizer, int blockSize, int max) =>
        Blocks(TextCorpus.Documents(text), path, role, note, tokenizer, blockSize, max);

    static (List<CausalLmExample>, DatasetLoadReport) Blocks(List<string> docs, string path, string role, string note,
                                                             ITextTokenizer tokenizer, int blockSize, int max)
    {
        var stream = TextCorpus.Tokenize(docs, tokenizer);
        var blocks = Take(TextCorpus.Blocks(stream, blockSize), max);
        if (blocks.Count == 0)
            throw new LoraLabException($"{path}: {stream.Count} tokens make no block of {blockSize + 1}",
                                       ExitCodes.BadInput);
        return (blocks, new DatasetLoadReport
        {
            Source = path, Role = role, RowsRead = docs.Count, RowsKept = docs.Count, Tokens = stream.Count,
            Examples = blocks.Count, Note = $"{note}; blocks of {blockSize} tokens",
        });
    }

    static (List<CausalLmExample>, List<CausalLmExample>, List<DatasetLoadReport>) ReadPromptAnswer(
        FinetuneConfig config, ITextTokenizer tokenizer, string trainPath, string evalPath)
    {
        var (policy, maxBad) = (config.Data.OnBadRows, config.Data.MaxBadFraction);
        var (trainPairs, trainReport) = PromptAnswerReader.Read(trainPath, policy, "train", maxBad);
        var (evalPairs, evalReport) = PromptAnswerReader.Read(evalPath, policy, "eval", maxBad);
        List<CausalLmExample> Encode(IEnumerable<(string Prompt, string Answer, int Line)> pairs, int max) =>
            Take(pairs.Select(p => PromptAnswerReader.Encode(p.Prompt, p.Answer, tokenizer, config.MaxSeqLen))
                      .Where(e => e.LossTokens > 0).ToList(), max);
        var train = Encode(trainPairs, config.Data.MaxTrainExamples);
        var eval = Encode(evalPairs, config.Data.MaxEvalExamples);
        const string note = "loss on answer tokens only";
        return (train, eval, [trainReport with { Examples = train.Count, Note = note },
                              evalReport with { Examples = eval.Count, Note = note }]);
    }

    static List<T> Take<T>(List<T> items, int max) => max > 0 && items.Count > max ? items[..max] : items;
}
