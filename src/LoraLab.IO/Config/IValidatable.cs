namespace LoraLab.IO.Config;

/// <summary>A config record that can list everything wrong with it before any tensor is allocated.</summary>
public interface IValidatable
{
    /// <summary>Every problem found, each a short phrase naming the key ("lora.rank must be >= 1, got 0").</summary>
    IEnumerable<string> Validate();
}
