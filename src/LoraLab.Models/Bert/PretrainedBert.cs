namespace LoraLab.Models.Bert;

/// <summary>A loaded pretrained encoder and the WordPiece vocabulary (vocab.txt) it was trained with.</summary>
public sealed record PretrainedBert(BertModel Model, string VocabPath);
