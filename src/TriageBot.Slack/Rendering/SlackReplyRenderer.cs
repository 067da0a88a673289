using System.Text.Json.Nodes;
using TriageBot.Engine.Conversation;
using TriageBot.Slack.BlockKit;

namespace TriageBot.Slack.Rendering;

/// <summary>
/// Renders the conversation's chat-neutral replies as Block Kit: one case per kind of <see cref="ChatReply"/>. What a reply
/// says comes from the engine; this only styles it and escapes text.
/// </summary>
public static class SlackReplyRenderer
{
    /// <summary>The reply as a message: notification text and blocks.</summary>
    /// <param name="reply">The reply.</param>
    /// <param name="commands">The command table (for help).</param>
    public static (string Text, BlockBuilder? Blocks) Message(ChatReply reply, IReadOnlyList<CommandDefinition> commands) => reply switch
    {
        NoticeReply n => (n.Text, null),
        ErrorReply e => (e.Message, e.ShowHelp ? Help(commands, e.Message) : Warning(e.Message)),
        HelpReply h => ("TriageBot help", Help(h.Commands, h.Problem)),
        CardReply c => (c.Card.Headline, SlackRenderer.CardBlocks(c.Card, CardSurface.Message, c.Notice)),
        WhoReply w => (w.Who.Advice, SlackRenderer.Who(w.Who, w.Note)),
        FactsReply f => (f.Title, Facts(f)),
        DigestRequestedReply d => (d.Notice, null),
        SettingsReply s => (s.Notice ?? "Open the settings from TriageBot's Home tab.", null),
        RequesterMessageReply r => (r.Message, null),
        RedirectPreviewReply p => (p.Preview.Message, null),
        _ => ("Done.", null),
    };

    /// <summary>The reply as an ephemeral answer to a slash command.</summary>
    public static JsonObject Ephemeral(ChatReply reply, IReadOnlyList<CommandDefinition> commands)
    {
        var (text, blocks) = Message(reply, commands);
        return SlackRenderer.Ephemeral(text, blocks);
    }

    /// <summary>The reply in a modal that only informs (the message shortcut's answer for a non-Lead, or a problem).</summary>
    public static Md Inline(ChatReply reply) => reply switch
    {
        ErrorReply e => Md.Trusted(":warning: ") + Md.Text(e.Message),
        _ => Md.Text(Message(reply, []).Text),
    };

    /// <summary>The command list, from the command table.</summary>
    /// <param name="commands">The commands.</param>
    /// <param name="problem">What went wrong, shown above, if anything.</param>
    public static BlockBuilder Help(IEnumerable<CommandDefinition> commands, string? problem = null)
    {
        var b = new BlockBuilder();
        if (problem is not null)
        {
            b.Section(Md.Trusted(":warning: ") + Md.Text(problem));
        }

        var lines = new List<Md> { Md.Trusted("*TriageBot* — should you take this request?") };
        lines.AddRange(commands.Select(c => Md.Trusted("`/triage ") + Md.Text(c.Synopsis) + Md.Trusted("` — ") + Md.Text(c.Summary)));
        lines.Add(Md.Trusted("Tip: on any message, use the *Triage this request* shortcut."));
        b.Section(Md.Join("\n", lines));
        return b;
    }

    /// <summary>A settings error attached to its block in the settings modal.</summary>
    public static string BlockOf(SettingsField field) => field switch
    {
        SettingsField.DigestDay => SlackIds.DayBlock,
        SettingsField.DigestTime => SlackIds.TimeBlock,
        SettingsField.TimeZone => SlackIds.TimeZoneBlock,
        _ => SlackIds.BudgetBlock,
    };

    private static BlockBuilder Warning(string message) => new BlockBuilder().Section(Md.Trusted(":warning: ") + Md.Text(message));

    private static BlockBuilder Facts(FactsReply f)
    {
        var b = new BlockBuilder();
        b.Header(f.Title);
        b.Fields(f.Facts.Select(x => Md.Trusted("*") + Md.Text(x.Key) + Md.Trusted("*\n") + Md.Text(x.Value)));
        if (f.Footer is not null)
        {
            b.Context(Md.Text(f.Footer));
        }

        return b;
    }
}
