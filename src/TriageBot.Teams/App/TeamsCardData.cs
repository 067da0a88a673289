using System.Text.Json.Nodes;
using TriageBot.Engine.Conversation;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>A card action's reply, and what to say on the card when a message went to the requester.</summary>
/// <param name="Reply">The engine's reply.</param>
/// <param name="Notice">Where the requester's message went, if one was sent.</param>
public sealed record TeamsActionOutcome(ChatReply Reply, string? Notice);

/// <summary>Reads a card's data (Action.Execute, Action.Submit, task module submit) into the engine's card action, and runs it.</summary>
public static class TeamsCardData
{
    /// <summary>Runs the card action the data names (its <c>verb</c> is the engine's action name) and delivers any message for the requester.</summary>
    public static async Task<TeamsActionOutcome> ActAsync(ConversationService conversation, TeamsReplySender sender, Activity activity,
        ConversationContext context, JsonObject data, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(data);
        var reply = await conversation.ActAsync(context, Str(data, "verb") ?? string.Empty, Read(data), ct).ConfigureAwait(false);
        if (reply is RequesterMessageReply message)
        {
            var notice = await sender.DeliverToRequesterAsync(activity, message, ct).ConfigureAwait(false);
            return new TeamsActionOutcome(reply, notice);
        }

        return new TeamsActionOutcome(reply, null);
    }

    /// <summary>The card's data as the engine's input.</summary>
    public static CardActionInput Read(JsonObject data) =>
        new(Guid.TryParse(Str(data, "requestId"), out var id) ? id : null)
        {
            Estimate = Str(data, "estimate"),
            OwnerId = Str(data, "ownerId"),
            Message = Str(data, "message"),
            Question = Str(data, "question"),
            Answer = Str(data, "value"),
            TopicId = Str(data, "topic"),
            Duration = Str(data, "duration"),
            Note = Str(data, "note"),
            Settings = new SettingsForm(Str(data, "budgetHours")?.Trim('"'), Str(data, "digestDay"), Str(data, "digestTime"), Str(data, "timeZone")),
        };

    private static string? Str(JsonObject data, string name) => data[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
