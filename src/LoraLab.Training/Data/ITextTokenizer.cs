namespace LoraLab.Training.Data;

/// <summary>
/// Text → token ids for causal language modelling. Implementations are model-specific (llama2.c tok512, GPT-2 BPE);
/// <see cref="Encode"/> adds no special tokens, <see cref="BosId"/> and <see cref="EosId"/> are added by the data code
/// where the model was pretrained with it.
/// </summary>
internal interface ITextTokenizer
{
    /// <summary>Ids of <paramref name="text"/>, without BOS/EOS.</summary>
    int[] Encode(string text);

    /// <summary>Beginning-of-sequence id, or null when the model has none.</summary>
    int? BosId { get; }

    /// <summary>End-of-sequence id, or null when the model has none.</summary>
    int? EosId { get; }

    int VocabSize { get; }

    /// <summary>The id of <paramref name="token"/> when it is one vocabulary entry (a chat template's special tokens,
    /// e.g. <c>&lt;|im_start|&gt;</c>), else null. <see cref="Encode"/> is not required to recognise such tokens in
    /// text, so templates place them by id.</summary>
    int? TokenId(string token);
}
