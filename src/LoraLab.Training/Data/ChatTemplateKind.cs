namespace LoraLab.Training.Data;

/// <summary>The built-in chat templates (JSON: "auto", "chatml", "llama3", "llama2", "plain"); exact strings in
/// <see cref="ChatFormatter"/>.</summary>
public enum ChatTemplateKind
{
    /// <summary>Chosen from the model folder by <see cref="ChatTemplateChooser"/>.</summary>
    Auto,
    /// <summary>ChatML, as Qwen2/Qwen2.5: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c>.</summary>
    Chatml,
    /// <summary>Llama 3: <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;</c>.
    /// </summary>
    Llama3,
    /// <summary>Llama 2 chat: <c>&lt;s&gt;[INST] user [/INST] assistant &lt;/s&gt;</c>, system in
    /// &lt;&lt;SYS&gt;&gt;.</summary>
    Llama2,
    /// <summary>No special tokens: <c>User: ...\nAssistant: ...\n</c> (stories260K, models without a chat
    /// format).</summary>
    Plain,
}
