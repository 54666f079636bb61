namespace LoraLab.Models;

/// <summary>Model families LoraLab reads from Hugging Face folders (config.json <c>model_type</c>).</summary>
public enum HfArchitecture
{
    /// <summary>model_type "llama" (Llama 2/3): <see cref="Llama.LlamaModel"/>.</summary>
    Llama,
    /// <summary>model_type "mistral": <see cref="Llama.LlamaModel"/> with a sliding attention window.</summary>
    Mistral,
    /// <summary>model_type "qwen2" (Qwen2, Qwen2.5): <see cref="Llama.LlamaModel"/> with q/k/v biases.</summary>
    Qwen2,
    /// <summary>model_type "gpt2": <see cref="Gpt2.Gpt2Model"/>.</summary>
    Gpt2,
    /// <summary>model_type "bert": <see cref="Bert.BertModel"/> (classification).</summary>
    Bert,
    /// <summary>model_type "roberta": <see cref="Bert.BertModel"/> with RoBERTa's position offset
    /// (classification).</summary>
    Roberta,
}
