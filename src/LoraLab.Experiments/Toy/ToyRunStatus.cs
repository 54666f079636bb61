namespace LoraLab.Experiments.Toy;

/// <summary>Outcome of one toy run.</summary>
internal enum ToyRunStatus
{
    Ok,
    /// <summary>Train loss non-finite or above divergence_factor × initial at any step or after the last.</summary>
    Diverged,
}
