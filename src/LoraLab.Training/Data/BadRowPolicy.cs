namespace LoraLab.Training.Data;

/// <summary>What a loader does with a malformed row (wrong column count, unknown label). Either way it is
/// reported.</summary>
public enum BadRowPolicy
{
    /// <summary>Stop with an error that names the first bad rows.</summary>
    Error,
    /// <summary>Leave the row out, count it and list it in the <see cref="DatasetLoadReport"/>.</summary>
    Skip,
}
