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
    public static TsvFormat Sst2 { get; } = new(Columns: 2, Header: ["sentence", "label"],
        TextColumn: 0, PairColumn: null, LabelColumn: 1, Labels: ["0", "1"]);

    /// <summary>CoLA: no header; source code, label, original annotation, sentence.</summary>
    public static TsvFormat Cola { get; } = new(Columns: 4, Header: null,
        TextColumn: 3, PairColumn: null, LabelColumn: 1, Labels: ["0", "1"]);

    /// <summary>MRPC: UTF-8 BOM, header <c>Quality\t#1 ID\t#2 ID\t#1 String\t#2 String</c>, label 1 =
    /// paraphrase.</summary>
    public static TsvFormat Mrpc { get; } = new(Columns: 5,
                                                Header: ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"],
        TextColumn: 3, PairColumn: 4, LabelColumn: 0, Labels: ["0", "1"]);

    /// <summary>QNLI: header <c>index\tquestion\tsentence\tlabel</c>, string labels.</summary>
    public static TsvFormat Qnli { get; } = new(Columns: 4, Header: ["index", "question", "sentence", "label"],
        TextColumn: 1, PairColumn: 2, LabelColumn: 3, Labels: ["entailment", "not_entailment"]);

    /// <summary>RTE: header <c>index\tsentence1\tsentence2\tlabel</c>, string labels.</summary>
    public static TsvFormat Rte { get; } = new(Columns: 4, Header: ["index", "sentence1", "sentence2", "label"],
        TextColumn: 1, PairColumn: 2, LabelColumn: 3, Labels: ["entailment", "not_entailment"]);
}
