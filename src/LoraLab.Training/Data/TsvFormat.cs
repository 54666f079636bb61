namespace LoraLab.Training.Data;

/// <summary>
/// Layout of a GLUE-style TSV (data/SOURCES.md §3): column count, optional header, which columns hold the text,
/// the optional second text and the label, and the label strings in class-index order.
/// </summary>
internal sealed record TsvFormat(
    int Columns,
    IReadOnlyList<string>? Header,
    int TextColumn,
    int? PairColumn,
    int LabelColumn,
    IReadOnlyList<string> Labels)
{
    /// <summary>SST-2: header <c>sentence\tlabel</c>, label 0/1.</summary>
    public static TsvFormat Sst2 { get; } = new(2, ["sentence", "label"], 0, null, 1, ["0", "1"]);

    /// <summary>CoLA: no header; source code, label, original annotation, sentence.</summary>
    public static TsvFormat Cola { get; } = new(4, null, 3, null, 1, ["0", "1"]);

    /// <summary>MRPC: UTF-8 BOM, header <c>Quality\t#1 ID\t#2 ID\t#1 String\t#2 String</c>, label 1 = paraphrase.</summary>
    public static TsvFormat Mrpc { get; } = new(5, ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"], 3, 4, 0, ["0", "1"]);

    /// <summary>QNLI: header <c>index\tquestion\tsentence\tlabel</c>, string labels.</summary>
    public static TsvFormat Qnli { get; } = new(4, ["index", "question", "sentence", "label"], 1, 2, 3, ["entailment", "not_entailment"]);

    /// <summary>RTE: header <c>index\tsentence1\tsentence2\tlabel</c>, string labels.</summary>
    public static TsvFormat Rte { get; } = new(4, ["index", "sentence1", "sentence2", "label"], 1, 2, 3, ["entailment", "not_entailment"]);
}
