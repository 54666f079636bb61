using System.Text.Json;
using System.Text.Json.Nodes;

namespace LoraLab.Training.Data;

/// <summary>One chat turn.</summary>
internal sealed record ChatMessage(string Role, string Content);

/// <summary>
/// The built-in chat templates as <see cref="Segment"/>s, with the loss on each assistant turn's content and its
/// end-of-turn token only (TRL's assistant_only_loss; headers, system and user turns carry none). The strings
/// follow the models' own Jinja templates (Qwen2 ChatML, Llama-3 Instruct, Llama-2-chat) for the roles system,
/// user and assistant; no default system message is added. Jinja is never run.
/// <list type="bullet">
/// <item>chatml: <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c> per message.</item>
/// <item>llama3: BOS, then
/// <c>&lt;|start_header_id|&gt;{role}&lt;|end_header_id|&gt;\n\n{content.strip()}&lt;|eot_id|&gt;</c>.</item>
/// <item>llama2: per exchange BOS <c>[INST] {user.strip()} [/INST]</c> then <c> {assistant.strip()} </c> EOS; a
/// system message goes into the first user turn as <c>&lt;&lt;SYS&gt;&gt;\n{system}\n&lt;&lt;/SYS&gt;&gt;\n\n</c>;
/// roles must alternate user/assistant.</item>
/// <item>plain: BOS, then <c>{Role}: {content}\n</c> per message (Role = System, User, Assistant), EOS at the end
/// (trained when the last turn is the assistant's).</item>
/// </list>
/// </summary>
internal static class ChatFormatter
{
    public static IReadOnlyList<Segment> Segments(ChatTemplateKind template, IReadOnlyList<ChatMessage> messages) =>
        template switch
        {
            ChatTemplateKind.Chatml => Chatml(messages),
            ChatTemplateKind.Llama3 => Llama3(messages),
            ChatTemplateKind.Llama2 => Llama2(messages),
            ChatTemplateKind.Plain => Plain(messages),
            ChatTemplateKind.Auto => throw new ArgumentException("choose a template first (ChatTemplateChooser)"),
        };

    static List<Segment> Chatml(IReadOnlyList<ChatMessage> messages)
    {
        var s = new List<Segment>();
        foreach (var m in messages)
        {
            var trained = m.Role == "assistant";
            s.Add(Segment.Special("<|im_start|>"));
            s.Add(Segment.Plain(m.Role + "\n"));
            s.Add(Segment.Plain(m.Content, trained));
            s.Add(Segment.Special("<|im_end|>", trained));
            s.Add(Segment.Plain("\n"));
        }
        return s;
    }

    static List<Segment> Llama3(IReadOnlyList<ChatMessage> messages)
    {
        var s = new List<Segment> { Segment.Bos };
        foreach (var m in messages)
        {
            var trained = m.Role == "assistant";
            s.Add(Segment.Special("<|start_header_id|>"));
            s.Add(Segment.Plain(m.Role));
            s.Add(Segment.Special("<|end_header_id|>"));
            s.Add(Segment.Plain("\n\n"));
            s.Add(Segment.Plain(m.Content.Trim(), trained));
            s.Add(Segment.Special("<|eot_id|>", trained));
        }
        return s;
    }

    static List<Segment> Llama2(IReadOnlyList<ChatMessage> messages)
    {
        var s = new List<Segment>();
        var system = messages.Count > 0 && messages[0].Role == "system" ? messages[0].Content : null;
        var turns = system is null ? messages : messages.Skip(1).ToList();
        for (var i = 0; i < turns.Count; i++)
        {
            var m = turns[i];
            if (m.Role == "user")
            {
                var content = i == 0 && system is not null ? $"<<SYS>>\n{system}\n<</SYS>>\n\n{m.Content}" : m.Content;
                s.Add(Segment.Bos);
                s.Add(Segment.Plain($"[INST] {content.Trim()} [/INST]"));
            }
            else
            {
                s.Add(Segment.Plain($" {m.Content.Trim()} ", trained: true));
                s.Add(Segment.Eos(trained: true));
            }
        }
        return s;
    }

    static List<Segment> Plain(IReadOnlyList<ChatMessage> messages)
    {
        var s = new List<Segment> { Segment.Bos };
        foreach (var m in messages)
        {
            var trained = m.Role == "assistant";
            s.Add(Segment.Plain(char.ToUpperInvariant(m.Role[0]) + m.Role[1..] + ": "));
            s.Add(Segment.Plain(m.Content + "\n", trained));
        }
        s.Add(Segment.Eos(trained: messages[^1].Role == "assistant"));
        return s;
    }

    /// <summary>
    /// A <c>messages</c> list: objects with string <c>role</c> (system, user, assistant) and <c>content</c>; system
    /// only first; at least one assistant turn; for llama2, user and assistant alternating from a user turn.
    /// </summary>
    internal static bool TryParse(JsonObject fields, string column, ChatTemplateKind template,
                                  out List<ChatMessage> messages, out string reason)
    {
        (messages, reason) = ([], "");
        if (!fields.TryGetPropertyValue(column, out var node) || node is null)
        {
            reason = $"missing column '{column}'";
            return false;
        }
        if (node is not JsonArray array) { reason = $"'{column}' is not a list of messages"; return false; }
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject m) { reason = $"{column}[{i}] is not an object"; return false; }
            if (!TryString(m, "role", out var role)) { reason = $"{column}[{i}] has no string 'role'"; return false; }
            if (!TryString(m, "content", out var content))
            { reason = $"{column}[{i}] has no string 'content'"; return false; }
            if (role is not ("system" or "user" or "assistant"))
            { reason = $"{column}[{i}] has role '{role}' (expected system, user or assistant)"; return false; }
            if (role == "system" && i > 0)
            { reason = $"{column}[{i}]: a system message may only come first"; return false; }
            messages.Add(new ChatMessage(role, content));
        }
        if (!messages.Any(m => m.Role == "assistant")) { reason = "no assistant message"; return false; }
        if (template == ChatTemplateKind.Llama2)
        {
            var turns = messages.Where(m => m.Role != "system").ToList();
            for (var i = 0; i < turns.Count; i++)
                if (turns[i].Role != (i % 2 == 0 ? "user" : "assistant"))
                { reason = "llama2 needs turns alternating user/assistant, starting with user"; return false; }
        }
        return true;
    }

    static bool TryString(JsonObject obj, string key, out string value)
    {
        value = "";
        if (!obj.TryGetPropertyValue(key, out var n) || n?.GetValueKind() != JsonValueKind.String) return false;
        value = n.GetValue<string>();
        return true;
    }
}
