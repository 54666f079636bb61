using System.Text.Json.Nodes;
using LoraLab.IO;
using LoraLab.Training.Data;

namespace LoraLab.Training.Recipes;

/// <summary>
/// Reads the user's files for tasks classify, lm, instruct and chat: any <see cref="DataFormat"/>, rows parsed per
/// task, bad rows logged with file:line and judged by data.on_bad_rows / data.max_bad_fraction, and without an eval
/// file a <see cref="SeededSplit"/> of the training rows. Returns examples with the reports printed by the recipe.
/// </summary>
internal static class UserDataLoader
{
    public delegate bool RowParser<T>(JsonObject fields, out T value, out string reason);

    /// <summary>The usable rows of one file and what was wrong with the others.</summary>
    internal sealed record ParsedFile<T>(DataTable Table, List<(T Value, int Line)> Rows, BadRowLog Bad)
    {
        public DatasetLoadReport Report(string role, int examples, string note) => new()
        {
            Source = Table.Source, Role = role, RowsRead = Table.Records.Count, RowsKept = Rows.Count,
            BadRowCount = Bad.Count, FirstBadRows = Bad.First, BadRowUnit = Table.Unit, Examples = examples,
            Note = note,
        };
    }

    /// <summary>Train and eval rows: the eval file's, or a seeded split of the training file's.</summary>
    internal sealed record Split<T>(List<(T Value, int Line)> Train, List<(T Value, int Line)> Eval,
                                     string TrainNote, string EvalNote);

    public static ParsedFile<T> Parse<T>(string path, DataSpec spec, RowParser<T> parse, bool checkBadRows = true)
    {
        var table = DataFileReader.Read(path, spec.Format);
        var bad = new BadRowLog(path, spec.OnBadRows, spec.MaxBadFraction, table.Unit);
        var rows = new List<(T, int)>();
        foreach (var record in table.Records)
        {
            if (record.Fields is null) bad.Add(record.Line, record.Error ?? "unreadable row");
            else if (parse(record.Fields, out var value, out var reason)) rows.Add((value, record.Line));
            else bad.Add(record.Line, reason);
        }
        if (checkBadRows) bad.ThrowIfNeeded(table.Records.Count);
        return new ParsedFile<T>(table, rows, bad);
    }

    public static Split<T> SplitRows<T>(ParsedFile<T> train, ParsedFile<T>? eval, DataSpec spec)
    {
        if (eval is not null) return new Split<T>(train.Rows, eval.Rows, "whole file", "whole file");
        if (train.Rows.Count < 2)
            throw new LoraLabException(
                $"{train.Table.Source}: {train.Rows.Count} usable row(s); a train/eval split needs 2 " +
                "(or give an eval file)", ExitCodes.BadInput);
        var (t, e) = SeededSplit.Indices(train.Rows.Count, spec.TrainFraction, spec.SplitSeed);
        var source = train.Table.Source;
        return new Split<T>(t.Select(i => train.Rows[i]).ToList(), e.Select(i => train.Rows[i]).ToList(),
                            SeededSplit.Describe(source, spec.TrainFraction, spec.SplitSeed, true),
                            SeededSplit.Describe(source, spec.TrainFraction, spec.SplitSeed, false));
    }

    /// <summary>Task classify: (text, pair, label) columns; labels through a <see cref="LabelMap"/> built from the
    /// training rows (or data.labels); an eval label outside the map is a bad row.</summary>
    public static (List<ClassificationExample> Train, List<ClassificationExample> Eval, List<DatasetLoadReport> Reports,
        LabelMap Labels) ReadClassification(DataSpec spec, string trainPath, string? evalPath)
    {
        bool ParseRow(JsonObject f, out (string Text, string? Pair, string Label) row, out string reason)
        {
            row = default;
            if (!RecordFields.TryText(f, spec.TextColumn, out var text, out reason)) return false;
            string? pair = null;
            if (spec.TextPairColumn is { } pc && !RecordFields.TryText(f, pc, out pair, out reason)) return false;
            if (!RecordFields.TryLabel(f, spec.LabelColumn, out var label, out reason)) return false;
            row = (text, pair, label);
            return true;
        }
        var train = Parse<(string Text, string? Pair, string Label)>(trainPath, spec, ParseRow, checkBadRows: false);
        var eval = evalPath is null
            ? null
            : Parse<(string Text, string? Pair, string Label)>(evalPath, spec, ParseRow, checkBadRows: false);
        var labels = LabelMap.Build(train.Rows.Select(r => r.Value.Label), spec.Labels, trainPath);
        var trainFile = MapLabels(train, labels);
        var evalFile = eval is null ? null : MapLabels(eval, labels);
        var split = SplitRows(trainFile, evalFile, spec);
        List<ClassificationExample> Examples(List<((string Text, string? Pair, int Label) Value, int Line)> rows,
                                             int max) =>
            Take(rows.Select(r => new ClassificationExample(r.Value.Text, r.Value.Pair, r.Value.Label, r.Line))
                     .ToList(), max);
        var trainExamples = Examples(split.Train, spec.MaxTrainExamples);
        var evalExamples = Examples(split.Eval, spec.MaxEvalExamples);
        Dictionary<string, int> Counts(List<ClassificationExample> examples) =>
            labels.Labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => examples.Count(e => e.Label == p.i));
        var evalSource = evalFile ?? trainFile;
        return (trainExamples, evalExamples,
        [
            trainFile.Report("train", trainExamples.Count, split.TrainNote) with
                { LabelCounts = Counts(trainExamples) },
            evalSource.Report("eval", evalExamples.Count, split.EvalNote) with { LabelCounts = Counts(evalExamples) },
        ], labels);
    }

    static ParsedFile<(string Text, string? Pair, int Label)> MapLabels(
        ParsedFile<(string Text, string? Pair, string Label)> file, LabelMap labels)
    {
        var rows = new List<((string, string?, int), int)>();
        foreach (var ((text, pair, label), line) in file.Rows)
        {
            var index = labels.IndexOf(label);
            if (index < 0) file.Bad.Add(line, $"unknown label '{label}' (classes: {string.Join(", ", labels.Labels)})");
            else rows.Add(((text, pair, index), line));
        }
        file.Bad.ThrowIfNeeded(file.Table.Records.Count);
        return new ParsedFile<(string, string?, int)>(file.Table, rows, file.Bad);
    }

    /// <summary>Tasks instruct and chat: each row formatted into segments and encoded with its loss mask; an example
    /// whose trained tokens all fall beyond max_seq_len is dropped and counted in the report's note.</summary>
    public static (List<CausalLmExample> Train, List<CausalLmExample> Eval, List<DatasetLoadReport> Reports)
        ReadFormatted<T>(
        DataSpec spec, string trainPath, string? evalPath, RowParser<T> parse, Func<T, IReadOnlyList<Segment>> format,
        ITextTokenizer tokenizer, int maxSeqLen, string what)
    {
        var train = Parse(trainPath, spec, parse);
        var eval = evalPath is null ? null : Parse(evalPath, spec, parse);
        var split = SplitRows(train, eval, spec);
        (List<CausalLmExample>, string) Encode(List<(T Value, int Line)> rows, int max)
        {
            var encoded = rows.Select(r => SegmentEncoder.Encode(format(r.Value), tokenizer, maxSeqLen)).ToList();
            var kept = encoded.Where(e => e.LossTokens > 0).ToList();
            var dropped = encoded.Count - kept.Count;
            var note = dropped > 0 ? $"; {dropped} dropped: no trained token within max_seq_len" : "";
            return (Take(kept, max), what + note);
        }
        var (trainExamples, trainNote) = Encode(split.Train, spec.MaxTrainExamples);
        var (evalExamples, evalNote) = Encode(split.Eval, spec.MaxEvalExamples);
        if (trainExamples.Count == 0)
            throw new LoraLabException($"{trainPath}: no example has a trained token within max_seq_len {maxSeqLen}",
                                       ExitCodes.BadInput);
        return (trainExamples, evalExamples,
        [
            train.Report("train", trainExamples.Count, $"{split.TrainNote}; {trainNote}") with
                { Tokens = trainExamples.Sum(e => (long)e.Length) },
            (eval ?? train).Report("eval", evalExamples.Count, $"{split.EvalNote}; {evalNote}") with
                { Tokens = evalExamples.Sum(e => (long)e.Length) },
        ]);
    }

    /// <summary>Task lm on a record file: the text column's rows are the documents.</summary>
    public static (List<string> Train, List<string> Eval, ParsedFile<string> TrainFile, ParsedFile<string>? EvalFile,
        Split<string> Split) ReadDocuments(DataSpec spec, string trainPath, string? evalPath)
    {
        bool ParseRow(JsonObject f, out string text, out string reason) =>
            RecordFields.TryText(f, spec.TextColumn, out text, out reason);
        var train = Parse<string>(trainPath, spec, ParseRow);
        var eval = evalPath is null ? null : Parse<string>(evalPath, spec, ParseRow);
        var split = SplitRows(train, eval, spec);
        return (split.Train.Select(r => r.Value).ToList(), split.Eval.Select(r => r.Value).ToList(), train, eval,
                split);
    }

    static List<T> Take<T>(List<T> items, int max) => max > 0 && items.Count > max ? items[..max] : items;
}
