using LoraLab.IO;

namespace LoraLab.Models.Generation;

/// <summary>
/// Text in, text out, streamed: what llama2.c's <c>./run model.bin -z tokenizer.bin -i prompt</c> does, for any
/// causal LM <see cref="PretrainedModels.LoadCausalLm"/> reads (with a PEFT adapter: Training's
/// <c>AdapterTextCompletion</c>). The prompt is echoed, then each token's text is written
/// as soon as it is complete UTF-8 (a byte-level token can end inside a character).
/// </summary>
public static class TextCompletion
{
    /// <summary>Generates after <paramref name="prompt"/> and streams the text; returns the generated ids.</summary>
    public static IReadOnlyList<int> Stream(PretrainedCausalLm lm, string prompt, GenerationConfig config,
                                            TextWriter output)
    {
        var tokenizer = lm.Tokenizer;
        var body = tokenizer.Encode(prompt).ToList(); // the ids whose text is printed
        var start = tokenizer.AddsBos || body.Count == 0 ? tokenizer.BosId ?? tokenizer.EosId : null;
        if (body.Count == 0 && start is null)
            throw new LoraLabException("empty prompt and the tokenizer has no BOS/EOS token to start from",
                                       ExitCodes.Usage);
        var promptIds = (start is { } s ? new[] { s } : []).Concat(body).ToList();
        var stop = new HashSet<int>();
        if (tokenizer.EosId is { } eos) stop.Add(eos);
        if (tokenizer.AddsBos && tokenizer.BosId is { } bos) stop.Add(bos); // llama2.c stops at BOS too
        var printed = tokenizer.Decode(body);
        output.Write(printed);
        output.Flush();
        var generated = Generator.Generate(lm.Model, promptIds, config, lm.Decoder.MaxContext, stop, onToken: id =>
        {
            body.Add(id);
            var text = tokenizer.Decode(body);
            // wait for the rest
            if (text.EndsWith('\uFFFD') || !text.StartsWith(printed, StringComparison.Ordinal)) return;
            output.Write(text[printed.Length..]);
            output.Flush();
            printed = text;
        });
        var final = tokenizer.Decode(body);
        if (final.StartsWith(printed, StringComparison.Ordinal)) output.Write(final[printed.Length..]);
        output.WriteLine();
        return generated;
    }
}
