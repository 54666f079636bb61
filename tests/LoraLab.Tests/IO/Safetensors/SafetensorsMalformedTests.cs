using LoraLab.IO;
using LoraLab.IO.Safetensors;

namespace LoraLab.Tests.IO.Safetensors;

public sealed class SafetensorsMalformedTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_UnmodifiedBaseFile_Succeeds()
    {
        var path = _dir.File("valid.safetensors");
        File.WriteAllBytes(path, SafetensorsMalformedCases.ValidFile);

        var tensors = SafetensorsFile.Load(path);

        Assert.Equal(["a", "b"], tensors.Keys);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Theory]
    [InlineData("truncated-empty", "file is 0 bytes")]
    [InlineData("truncated-in-prefix", "file is 5 bytes")]
    [InlineData("truncated-in-header", "exceeds the 10 bytes after the length prefix")]
    [InlineData("truncated-in-data", "lie beyond the end of the data buffer (15 bytes")]
    [InlineData("truncated-last-byte", "lie beyond the end of the data buffer (23 bytes")]
    [InlineData("length-beyond-file", "exceeds the")]
    [InlineData("length-2^63", "header length 9223372036854775808 exceeds the 100,000,000-byte limit")]
    [InlineData("length-u64-max", "exceeds the 100,000,000-byte limit")]
    [InlineData("length-over-limit", "exceeds the 100,000,000-byte limit")]
    [InlineData("length-zero", "does not start with '{'")]
    [InlineData("header-not-json", "header is not valid JSON")]
    [InlineData("header-array", "does not start with '{'")]
    [InlineData("header-string", "does not start with '{'")]
    [InlineData("header-leading-space", "does not start with '{'")]
    [InlineData("header-trailing-garbage", "header is not valid JSON")]
    [InlineData("header-invalid-utf8", "header is not valid UTF-8")]
    [InlineData("header-lone-surrogate", "header has an invalid string")]
    [InlineData("offsets-out-of-range",
                "tensor 'b' data_offsets [16,32] lie beyond the end of the data buffer (24 bytes")]
    [InlineData("offsets-overlap", "tensor 'b' data_offsets [8,16] overlap tensor 'a' [0,16]")]
    [InlineData("offsets-hole", "hole of 4 bytes in the data buffer before tensor 'b' (at offset 16)")]
    [InlineData("offsets-not-from-zero", "hole of 8 bytes in the data buffer before tensor 'x' (at offset 0)")]
    [InlineData("offsets-end-before-begin", "data_offsets [16,0] end before they begin")]
    [InlineData("offsets-three", "data_offsets must be [BEGIN, END], got 3 numbers")]
    [InlineData("offsets-negative", "data_offsets value -8 is not a non-negative integer")]
    [InlineData("dtype-unknown", "tensor 'x' has unknown dtype 'F31'")]
    [InlineData("dtype-lowercase", "unknown dtype 'f32'")]
    [InlineData("dtype-number", "dtype must be a string, got a number")]
    [InlineData("span-mismatch", "tensor 'x' byte span 12 does not match shape [2,2] × F32 (16 bytes)")]
    [InlineData("sub-byte-partial", "3 × F4 is not a whole number of bytes")]
    [InlineData("shape-negative", "shape value -1 is not a non-negative integer")]
    [InlineData("shape-float", "shape value 2.0 is not a non-negative integer")]
    [InlineData("shape-exponent", "shape value 2e0 is not a non-negative integer")]
    [InlineData("shape-string", "shape holds a string, expected integers")]
    [InlineData("shape-beyond-u64", "shape value 18446744073709551616 is not a non-negative integer")]
    [InlineData("shape-numel-overflow", "shape [4294967296,4294967296] × F32 overflows")]
    [InlineData("shape-bytes-overflow", "× F64 overflows")]
    [InlineData("duplicate-tensor", "duplicate key 'a' in header")]
    [InlineData("duplicate-field", "duplicate field 'dtype'")]
    [InlineData("missing-field", "tensor 'x' lacks 'data_offsets'")]
    [InlineData("unknown-field", "unknown field 'foo'")]
    [InlineData("entry-not-object", "tensor 'x' must be an object, got a number")]
    [InlineData("metadata-number-value", "__metadata__ value 'format' must be a string, got a number")]
    [InlineData("metadata-array", "__metadata__ must be an object of strings, got an array")]
    [InlineData("metadata-nested", "__metadata__ value 'a' must be a string, got an object")]
    [InlineData("metadata-duplicate", "duplicate key 'a' in __metadata__")]
    [InlineData("trailing-bytes", "3 trailing bytes after the data buffer")]
    [InlineData("bool-not-0-or-1", "tensor 'x' (BOOL) has a byte other than 0 or 1 at element 1")]
    public void Load_MalformedFile_OneLineBadInputNamingProblem(string caseName, string expected)
    {
        var path = _dir.File($"{caseName}.safetensors");
        File.WriteAllBytes(path, SafetensorsMalformedCases.Build(caseName));

        var ex = Assert.Throws<LoraLabException>(() => SafetensorsFile.Load(path));

        Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
        Assert.StartsWith($"{path}: ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        if (caseName != "bool-not-0-or-1") // a header-level problem: ReadHeader finds it too
            Assert.Equal(ex.Message, Assert.Throws<LoraLabException>(() => SafetensorsFile.ReadHeader(path)).Message);
    }

    [Fact]
    public void Load_MissingFile_FileNotFound()
    {
        var path = _dir.File("absent.safetensors");

        var ex = Assert.Throws<LoraLabException>(() => SafetensorsFile.Load(path));

        Assert.Equal($"{path}: file not found", ex.Message);
    }

    [Fact]
    public void Load_TensorNameWithNewline_MessageStaysOneLine()
    {
        var path = _dir.File("newline.safetensors");
        File.WriteAllBytes(path, SafetensorsBytes.File(
            "{\"a\\nb\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,2]}}", new byte[2]));

        var ex = Assert.Throws<LoraLabException>(() => SafetensorsFile.Load(path));

        Assert.Contains("tensor 'a\\u000ab' byte span 2", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_EmptyAndScalarTensors_Valid()
    {
        var path = _dir.File("edge.safetensors");
        var header = "{\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
                     + "\"s\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                     + "\"z\":{\"dtype\":\"F16\",\"shape\":[2,0],\"data_offsets\":[8,8]}}   ";
        File.WriteAllBytes(path, SafetensorsBytes.File(header, BitConverter.GetBytes(-7L)));

        var tensors = SafetensorsFile.Load(path);

        Assert.Equal([0L, 3L], tensors["e"].shape);
        Assert.Empty(tensors["s"].shape);
        Assert.Equal(-7L, tensors["s"].item<long>());
        Assert.Equal([2L, 0L], tensors["z"].shape);
        foreach (var t in tensors.Values) t.Dispose();
    }
}
