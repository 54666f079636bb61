namespace LoraLab.Models.Bert;

/// <summary>How <see cref="BertClassifier"/> turns (batch, seq, hidden) into one vector per example.</summary>
public enum BertPooling
{
    /// <summary>The [CLS] token's last hidden state.</summary>
    Cls,
    /// <summary>HF BertForSequenceClassification: the pooler, tanh(dense(h_[CLS])).</summary>
    Pooler,
    /// <summary>Mean over real (unpadded) tokens, as sentence-transformers (all-MiniLM-L6-v2 was trained with
    /// it).</summary>
    Mean,
}
