using System.Text;
using static LoraLab.Tests.IO.Safetensors.SafetensorsBytes;

namespace LoraLab.Tests.IO.Safetensors;

/// <summary>Malformed files by name, each a minimal edit of a valid two-tensor file
/// (a: F32 [2,2] at [0,16], b: F32 [2] at [16,24]).</summary>
internal static class SafetensorsMalformedCases
{
    const string A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}";
    const string B = "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}";
    static readonly string ValidHeader = $"{{{A},{B}}}";
    static readonly byte[] Valid = File(ValidHeader, new byte[24]);

    static byte[] Header(string json, int dataBytes = 24) => File(json, new byte[dataBytes]);

    static byte[] Entry(string x, int dataBytes) => Header($"{{\"x\":{x}}}", dataBytes);

    public static byte[] Build(string name) => name switch
    {
        "truncated-empty" => [],
        "truncated-in-prefix" => Valid[..5],
        "truncated-in-header" => Valid[..18],
        "truncated-in-data" => Valid[..^9],
        "truncated-last-byte" => Valid[..^1],
        "length-beyond-file" => File(ValidHeader, new byte[24], (ulong)(ValidHeader.Length + 25)),
        "length-2^63" => File(ValidHeader, new byte[24], 1UL << 63),
        "length-u64-max" => File(ValidHeader, new byte[24], ulong.MaxValue),
        "length-over-limit" => File(ValidHeader, new byte[24], 100_000_001),
        "length-zero" => File(ValidHeader, new byte[24], 0),
        "header-not-json" => Header("{\"a\":{\"dtype\":\"F32\",", 0),
        "header-array" => Header("[1,2]", 0),
        "header-string" => Header("\"abc\"", 0),
        "header-leading-space" => Header(" {}", 0),
        "header-trailing-garbage" => Header("{}x", 0),
        "header-invalid-utf8" => File([(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []),
        "header-lone-surrogate" => Header("{\"\\ud800\":{}}", 0),
        "offsets-out-of-range" => Header($"{{{A},\"b\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,32]}}}}"),
        "offsets-overlap" => Header($"{{{A},\"b\":{{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}}}", 16),
        "offsets-hole" => Header($"{{{A},\"b\":{{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]}}}}", 28),
        "offsets-not-from-zero" => Entry("{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}", 24),
        "offsets-end-before-begin" => Entry("{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[16,0]}", 16),
        "offsets-three" => Entry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}", 8),
        "offsets-negative" => Entry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}", 8),
        "dtype-unknown" => Entry("{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}", 8),
        "dtype-lowercase" => Entry("{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8),
        "dtype-number" => Entry("{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}", 8),
        "span-mismatch" => Entry("{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}", 12),
        "sub-byte-partial" => Entry("{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,1]}", 1),
        "shape-negative" => Entry("{\"dtype\":\"F32\",\"shape\":[-1,2],\"data_offsets\":[0,8]}", 8),
        "shape-float" => Entry("{\"dtype\":\"F32\",\"shape\":[2.0,1],\"data_offsets\":[0,8]}", 8),
        "shape-exponent" => Entry("{\"dtype\":\"F32\",\"shape\":[2e0],\"data_offsets\":[0,8]}", 8),
        "shape-string" => Entry("{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}", 8),
        "shape-beyond-u64" => Entry("{\"dtype\":\"F32\",\"shape\":[18446744073709551616],\"data_offsets\":[0,8]}", 8),
        "shape-numel-overflow" =>
            Entry("{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}", 8),
        "shape-bytes-overflow" =>
            Entry("{\"dtype\":\"F64\",\"shape\":[4611686018427387904],\"data_offsets\":[0,8]}", 8),
        "duplicate-tensor" => Header($"{{{A},{A.Replace("[0,16]", "[16,32]")}}}", 32),
        "duplicate-field" => Entry("{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8),
        "missing-field" => Entry("{\"dtype\":\"F32\",\"shape\":[2]}", 8),
        "unknown-field" => Entry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"foo\":1}", 8),
        "entry-not-object" => Entry("3", 0),
        "metadata-number-value" => Header($"{{\"__metadata__\":{{\"format\":1}},{A},{B}}}"),
        "metadata-array" => Header($"{{\"__metadata__\":[\"pt\"],{A},{B}}}"),
        "metadata-nested" => Header($"{{\"__metadata__\":{{\"a\":{{\"b\":\"c\"}}}},{A},{B}}}"),
        "metadata-duplicate" => Header($"{{\"__metadata__\":{{\"a\":\"1\",\"a\":\"2\"}},{A},{B}}}"),
        "trailing-bytes" => [.. Valid, 1, 2, 3],
        "bool-not-0-or-1" => File("{\"x\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", [1, 2]),
        _ => throw new ArgumentException(name),
    };

    public static string ValidHeaderText => ValidHeader;

    public static byte[] ValidFile => (byte[])Valid.Clone();

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
