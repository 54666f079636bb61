using System.Buffers.Binary;
using System.Text;
using LoraLab.IO;
using LoraLab.IO.Safetensors;
using TorchSharp;

namespace LoraLab.Tests.IO.Safetensors;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Bit patterns a float round trip must keep exactly: ±0, subnormal, ±inf, NaN with a payload, extremes.
    static readonly uint[] SpecialBits =
        [0x00000000, 0x80000000, 0x00000001, 0x7F800000, 0xFF800000, 0x7FC00001, 0xFFBADBAD, 0x7F7FFFFF, 0x3F800000];

    public static TheoryData<long[]> Shapes => new() { Array.Empty<long>(), new long[] { 0 }, new long[] { 3, 0, 2 },
        new long[] { 9 }, new long[] { 3, 3 }, new long[] { 2, 3, 4 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SaveLoad_F32Shapes_BitIdentical(long[] shape)
    {
        var numel = shape.Aggregate(1L, (a, b) => a * b);
        var bits = Enumerable.Range(0, (int)numel).Select(i => SpecialBits[i % SpecialBits.Length] ^ (uint)(i / 9))
            .ToArray();
        var raw = bits.SelectMany(BitConverter.GetBytes).ToArray();
        using var original = torch.empty(shape, torch.float32);
        if (numel > 0) raw.CopyTo(original.bytes);
        var path = _dir.File("t.safetensors");

        SafetensorsFile.Save(path, new Dictionary<string, torch.Tensor> { ["w"] = original });
        var loaded = SafetensorsFile.Load(path);

        var w = Assert.Single(loaded).Value;
        Assert.Equal(shape, w.shape);
        Assert.Equal(torch.float32, w.dtype);
        Assert.Equal(raw, numel > 0 ? w.bytes.ToArray() : []);
        w.Dispose();
    }

    [Fact]
    public void Save_WithMetadata_HeaderPaddedAndMetadataFirst()
    {
        var path = _dir.File("adapter_model.safetensors");
        using var a = torch.ones(2, 3);
        SafetensorsFile.Save(path, new Dictionary<string, torch.Tensor> { ["a"] = a },
            new Dictionary<string, string> { ["format"] = "pt" });

        var bytes = File.ReadAllBytes(path);
        var n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Equal(0, n % 8);
        Assert.Equal(
            "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}",
            header.TrimEnd(' '));
        Assert.Equal(8 + n + 24, bytes.Length);
        Assert.Equal("pt", SafetensorsFile.ReadHeader(path).Metadata["format"]);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    // Golden vectors of the reference implementation's own tests (huggingface/safetensors tensor.rs
    // test_serialization, test_empty): our writer must produce exactly these bytes.
    [Fact]
    public void Save_ReferenceSerializationVector_SameBytes()
    {
        var path = _dir.File("ref.safetensors");
        using var t = torch.arange(6, dtype: torch.float32).reshape(1, 2, 3);
        SafetensorsFile.Save(path, new Dictionary<string, torch.Tensor> { ["attn.0"] = t });

        var header = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        var expected = SafetensorsBytes.File(header, SafetensorsBytes.FloatBytes(0, 1, 2, 3, 4, 5));
        Assert.Equal(64, header.Length);
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Save_ReferenceEmptyVectors_SameBytes()
    {
        var empty = _dir.File("empty.safetensors");
        var withMeta = _dir.File("meta.safetensors");
        SafetensorsFile.Save(empty, new Dictionary<string, torch.Tensor>());
        SafetensorsFile.Save(withMeta, new Dictionary<string, torch.Tensor>(),
            new Dictionary<string, string> { ["framework"] = "pt" });

        Assert.Equal(SafetensorsBytes.File("{}      ", []), File.ReadAllBytes(empty));
        Assert.Equal(SafetensorsBytes.File("{\"__metadata__\":{\"framework\":\"pt\"}}     ", []),
                     File.ReadAllBytes(withMeta));
        Assert.Empty(SafetensorsFile.Load(empty));
    }

    [Fact]
    public void Save_MixedDtypes_ReferenceOrderDescendingDtypeThenName()
    {
        var path = _dir.File("mixed.safetensors");
        using var b = torch.ones(2);
        using var a = torch.ones(3);
        using var h = torch.ones(2, dtype: torch.float16);
        using var z = torch.arange(4L);
        using var c = torch.ones(5, dtype: torch.bfloat16);
        using var q = torch.tensor(new[] { true, false, true });
        var tensors = new Dictionary<string, torch.Tensor> { ["b"] = b, ["h"] = h, ["q"] = q, ["a"] = a, ["z"] = z,
                                                            ["c"] = c };

        SafetensorsFile.Save(path, tensors);
        var header = SafetensorsFile.ReadHeader(path);

        Assert.Equal(["z", "a", "b", "c", "h", "q"], header.Entries.Select(e => e.Name));
        Assert.Equal([SafetensorsDType.I64, SafetensorsDType.F32, SafetensorsDType.F32, SafetensorsDType.BF16,
            SafetensorsDType.F16, SafetensorsDType.Bool], header.Entries.Select(e => e.DType));
        var loaded = SafetensorsFile.Load(path);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.dtype, loaded[name].dtype);
            Assert.Equal(t.bytes.ToArray(), loaded[name].bytes.ToArray());
            loaded[name].Dispose();
        }
    }

    [Fact]
    public void LayoutRank_FollowsTheReferenceDtypeOrder()
    {
        // huggingface/safetensors tensor.rs `enum Dtype` ("increasing alignment"), written out here so that a
        // reordered SafetensorsDType cannot silently change the layout the writer produces.
        string[] reference = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
            "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64"];
        var ranks = reference.Select(name =>
            SafetensorsDTypeInfo.TryParse(name, out var dtype) ? dtype.LayoutRank() : -1).ToList();

        Assert.Equal(Enumerable.Range(0, reference.Length), ranks);
        Assert.Equal(reference.Length, Enum.GetValues<SafetensorsDType>().Length);
    }

    [Fact]
    public void Save_NonContiguousTensor_WritesContiguousValues()
    {
        var path = _dir.File("t.safetensors");
        using var m = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var mt = m.t(); // (3, 2), strides (1, 3)
        SafetensorsFile.Save(path, new Dictionary<string, torch.Tensor> { ["mt"] = mt });

        using var loaded = SafetensorsFile.Load(path)["mt"];
        Assert.Equal([3L, 2L], loaded.shape);
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], loaded.data<float>().ToArray());
    }

    [Fact]
    public void LoadTensor_ByName_ReadsOnlyThatTensor()
    {
        var path = _dir.File("t.safetensors");
        using var a = torch.arange(4, dtype: torch.float64);
        using var b = torch.arange(3, dtype: torch.int32);
        SafetensorsFile.Save(path, new Dictionary<string, torch.Tensor> { ["a"] = a, ["b"] = b });

        var header = SafetensorsFile.ReadHeader(path);
        using var loaded = SafetensorsFile.LoadTensor(path, header, "b");

        Assert.Equal(torch.int32, loaded.dtype);
        Assert.Equal([0, 1, 2], loaded.data<int>().ToArray());
        var ex = Assert.Throws<LoraLabException>(() => SafetensorsFile.LoadTensor(path, header, "nope"));
        Assert.Contains("no tensor named 'nope'", ex.Message);
    }

    [Fact]
    public void Save_ReservedOrUnstorableName_Throws()
    {
        using var t = torch.ones(1);
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Save(_dir.File("x.safetensors"),
            new Dictionary<string, torch.Tensor> { ["__metadata__"] = t }));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }
}
