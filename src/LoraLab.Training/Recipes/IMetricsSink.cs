namespace LoraLab.Training.Recipes;

/// <summary>A second destination of the records <see cref="MetricsLog"/> writes (e.g. TensorBoard event
/// files).</summary>
internal interface IMetricsSink : IDisposable
{
    void Write(StepRecord record);
}
