using System.Globalization;
using System.Text.Json;
using LoraLab.Training.Recipes;

namespace LoraLab.Training.TensorBoard;

/// <summary>
/// The TensorBoard mirror of metrics.jsonl: every number of a <see cref="StepRecord"/> becomes a scalar tagged
/// <c>&lt;kind&gt;/&lt;json path&gt;</c> at the record's step — <c>train/loss</c>, <c>train/lr/lora_A</c>,
/// <c>train/grad_norm_b</c>, <c>train/z_a_rms/3</c> (layer index as in result.json's adapted_layers),
/// <c>eval/accuracy</c> (an eval's metrics sit directly under <c>eval/</c>). Booleans are 0/1; strings and the step are
/// left out. Whatever fields metrics.jsonl gains appear here without a change.
/// </summary>
internal sealed class TensorBoardMetricsSink(TensorBoardWriter writer) : IMetricsSink
{
    public void Write(StepRecord record)
    {
        var scalars = new List<(string, float)>();
        var json = JsonSerializer.SerializeToElement(record, MetricsLog.JsonOptions);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name is "kind" or "step") continue;
            var prefix = property.Name == "metrics" ? record.Kind : $"{record.Kind}/{property.Name}";
            Flatten(prefix, property.Value, scalars);
        }
        writer.AddScalars(record.Step, scalars);
    }

    static void Flatten(string tag, JsonElement value, List<(string, float)> scalars)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                scalars.Add((tag, (float)value.GetDouble()));
                break;
            case JsonValueKind.String when value.GetString() is "NaN" or "Infinity" or "-Infinity":
                scalars.Add((tag, float.Parse(value.GetString()!, CultureInfo.InvariantCulture)));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                scalars.Add((tag, value.ValueKind == JsonValueKind.True ? 1f : 0f));
                break;
            case JsonValueKind.Object:
                foreach (var p in value.EnumerateObject()) Flatten($"{tag}/{p.Name}", p.Value, scalars);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray()) Flatten($"{tag}/{i++}", item, scalars);
                break;
            case JsonValueKind.String or JsonValueKind.Null or JsonValueKind.Undefined:
                break;
        }
    }

    public void Dispose() => writer.Dispose();
}
