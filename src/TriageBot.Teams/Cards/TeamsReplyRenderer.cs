using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Decisions;

namespace TriageBot.Teams.Cards;

/// <summary>
/// Renders the conversation's chat-neutral replies for Teams: plain text or an Adaptive Card, one case per kind of
/// <see cref="ChatReply"/>. The wording comes from the engine.
/// </summary>
public static class TeamsReplyRenderer
{
    /// <summary>The reply as a message: its text, or its card.</summary>
    /// <param name="reply">The reply.</param>
    /// <param name="surface">Conversation or task module.</param>
    /// <param name="notice">A line that replaces the reply's own notice (e.g. where the requester's message went).</param>
    public static (string? Text, JsonObject? Card) Message(ChatReply reply, CardSurface surface, string? notice = null) => reply switch
    {
        NoticeReply n => (n.Text, null),
        ErrorReply e => (e.Message, null),
        HelpReply h => (Help(h.Commands, h.Problem), null),
        CardReply c => (null, AdaptiveCards.Decision(c.Card, surface, notice ?? c.Notice)),
        RequesterMessageReply r => (null, AdaptiveCards.Decision(r.Card, surface, notice)),
        WhoReply w => (w.Note is null ? Who(w.Who) : w.Note + "\n\n" + Who(w.Who), null),
        FactsReply f => (null, AdaptiveCards.Facts(f.Title, f.Facts, f.Footer)),
        SettingsReply s => (null, AdaptiveCards.Settings(s.Settings, surface, s.Notice, s.Submitted, s.Errors)),
        DigestRequestedReply d => (d.Notice, null),
        RedirectPreviewReply p => (p.Preview.Message, null),
        _ => ("Done.", null),
    };

    /// <summary>The reply as a card (invoke answers and task modules hold cards only).</summary>
    public static JsonObject Card(ChatReply reply, CardSurface surface, string? notice = null)
    {
        var (text, card) = Message(reply, surface, notice);
        return card ?? AdaptiveCards.Message(text ?? "Done.");
    }

    /// <summary>The command list, from the command table.</summary>
    public static string Help(IEnumerable<CommandDefinition> commands, string? problem = null)
    {
        var sb = new StringBuilder();
        if (problem is not null)
        {
            sb.Append(problem).Append("\n\n");
        }

        sb.Append("Here is what I can do:\n");
        sb.Append("- Send me a request (or @mention me with it) and I'll suggest take, teach or redirect, with the reasons.\n");
        sb.Append("- On any message: ... > Triage this request.");
        foreach (var command in commands.Where(c => c.HasVerb))
        {
            sb.Append("\n- ").Append(command.Synopsis).Append(": ").Append(command.Summary);
        }

        return sb.ToString();
    }

    /// <summary>Who to ask, as plain text.</summary>
    public static string Who(WhoResult who)
    {
        ArgumentNullException.ThrowIfNull(who);
        var sb = new StringBuilder();
        sb.Append(who.Advice);
        foreach (var owner in who.Owners)
        {
            sb.Append("\n- ").Append(owner.Name);
            if (!string.IsNullOrWhiteSpace(owner.Intake))
            {
                sb.Append(" (").Append(owner.Intake).Append(')');
            }

            if (!string.IsNullOrWhiteSpace(owner.Why))
            {
                sb.Append(": ").Append(owner.Why);
            }
        }

        return sb.ToString();
    }
}
