using LoraLab.IO;

namespace LoraLab.Models.Llama;

/// <summary>
/// Writes a llama2.c tokenizer back as the SentencePiece <c>tokenizer.model</c> it was exported from (llama2.c
/// tokenizer.py undone: " " → "▁", BOS/EOS named &lt;s&gt;/&lt;/s&gt;), so HF LlamaTokenizer and
/// Microsoft.ML.Tokenizers can read an HF folder we write. Protobuf fields from sentencepiece_model.proto:
/// ModelProto{1 pieces, 2 trainer_spec, 3 normalizer_spec}, SentencePiece{1 piece, 2 score, 3 type},
/// TrainerSpec{3 model_type, 4 vocab_size, 35 byte_fallback, 40–43 unk/bos/eos/pad ids},
/// NormalizerSpec{1 name, 3 add_dummy_prefix, 4 remove_extra_whitespaces, 5 escape_whitespaces}.
/// </summary>
internal static class SentencePieceModel
{
    private enum PieceType { Normal = 1, Unknown = 2, Control = 3, Byte = 6 }
    private const int Bpe = 2; // TrainerSpec.ModelType.BPE

    public static void Write(Llama2cTokenizer tokenizer, string path) => File.WriteAllBytes(path, ToBytes(tokenizer));

    public static byte[] ToBytes(Llama2cTokenizer tokenizer)
    {
        if (tokenizer.VocabSize < 259 || tokenizer.Piece(0) != "<unk>")
            throw new LoraLabException("not a llama2.c SentencePiece export: expected <unk>, BOS, " +
                                       "EOS and 256 byte pieces first");
        var model = new ProtoWriter();
        for (var id = 0; id < tokenizer.VocabSize; id++)
        {
            var (text, type) = id switch
            {
                0 => ("<unk>", PieceType.Unknown),
                Llama2cTokenizer.Bos => ("<s>", PieceType.Control),
                Llama2cTokenizer.Eos => ("</s>", PieceType.Control),
                < 259 => (tokenizer.Piece(id), PieceType.Byte), // "<0x00>".."<0xFF>"
                _ => (tokenizer.Piece(id).Replace(' ', '\u2581'), PieceType.Normal),
            };
            var piece = new ProtoWriter().String(1, text).Float(2, tokenizer.Score(id)).Varint(3, (int)type);
            model.Message(1, piece);
        }
        var trainer = new ProtoWriter().Varint(3, Bpe).Varint(4, tokenizer.VocabSize).Varint(35, 1)
            .Varint(40, 0).Varint(41, Llama2cTokenizer.Bos).Varint(42, Llama2cTokenizer.Eos).Varint(43, -1);
        // Llama's normalizer: no NFKC ("identity"), a dummy prefix, whitespace kept as is but escaped to ▁.
        var normalizer = new ProtoWriter().String(1, "identity").Varint(3, 1).Varint(4, 0).Varint(5, 1);
        return model.Message(2, trainer).Message(3, normalizer).ToArray();
    }

    /// <summary>Just enough of the protobuf wire format (varint, 32-bit, length-delimited) for ModelProto.</summary>
    private sealed class ProtoWriter
    {
        private readonly MemoryStream _stream = new();

        public ProtoWriter Varint(int field, long value) => Tag(field, 0).Raw((ulong)value);
        public ProtoWriter Float(int field, float value)
        {
            Tag(field, 5);
            _stream.Write(BitConverter.GetBytes(value));
            return this;
        }
        public ProtoWriter String(int field, string value) => Bytes(field, System.Text.Encoding.UTF8.GetBytes(value));
        public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());
        public byte[] ToArray() => _stream.ToArray();

        private ProtoWriter Bytes(int field, byte[] bytes)
        {
            Tag(field, 2).Raw((ulong)bytes.Length);
            _stream.Write(bytes);
            return this;
        }

        private ProtoWriter Tag(int field, int wireType) => Raw((ulong)(field << 3 | wireType));

        private ProtoWriter Raw(ulong value) // base-128 varint; negative int32 as 10-byte two's complement
        {
            for (; value >= 0x80; value >>= 7) _stream.WriteByte((byte)(value | 0x80));
            _stream.WriteByte((byte)value);
            return this;
        }
    }
}
