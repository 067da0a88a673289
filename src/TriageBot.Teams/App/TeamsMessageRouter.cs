using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>
/// Chat messages to the bot: the text goes to the engine's command table, an <c>Action.Submit</c> (a card button in a
/// chat, arriving as a message with the card's data) to its card action; the reply is rendered and sent.
/// </summary>
public sealed class TeamsMessageRouter
{
    private readonly ConversationService _conversation;
    private readonly UserMapper _users;
    private readonly TeamsReplySender _sender;
    private readonly TeamsInstallHandler _install;

    /// <summary>Creates the router.</summary>
    public TeamsMessageRouter(ConversationService conversation, UserMapper users, TeamsReplySender sender, TeamsInstallHandler install)
    {
        _conversation = conversation;
        _users = users;
        _sender = sender;
        _install = install;
    }

    /// <summary>The conversation context of an activity's sender.</summary>
    internal static ConversationContext Context(Activity activity, Person? person) =>
        new(TeamsReplySender.TenantOf(activity), Platform.Teams, ChatSurface.Teams, new ChatActor(
            person?.Id ?? activity.From?.AadObjectId ?? activity.From?.Id ?? "unknown",
            person?.Name ?? activity.From?.Name ?? "someone",
            person is { IsLead: true }))
        {
            Channel = ActivityText.BaseConversationId(activity.Conversation!.Id!),
        };

    /// <summary>Handles a message (claimed once by the caller; <paramref name="claim"/> is marked when effects commit).</summary>
    public async Task HandleAsync(Activity activity, EventOnce.Handle? claim, CancellationToken ct)
    {
        var person = await _users.MapSenderAsync(activity, ct).ConfigureAwait(false);
        if (string.Equals(activity.Conversation?.ConversationType, "personal", StringComparison.OrdinalIgnoreCase))
        {
            await _install.SaveReferenceAsync(activity, person, onlyIfMissing: true, ct).ConfigureAwait(false);
        }

        var context = Context(activity, person);
        var text = ActivityText.StripBotMention(activity);

        // Action.Submit (fallback of Action.Execute) arrives as a message with the card's data in value and no text.
        if (activity.Value is { ValueKind: JsonValueKind.Object } value && string.IsNullOrWhiteSpace(text))
        {
            var data = JsonNode.Parse(value.GetRawText())!.AsObject();
            var action = await TeamsCardData.ActAsync(_conversation, _sender, activity, context, data, ct).ConfigureAwait(false);
            Committed(action.Reply, claim);
            if (action.Reply is ErrorReply error)
            {
                await _sender.ReplyAsync(activity, error.Message, null, ct).ConfigureAwait(false);
            }
            else
            {
                // Update the card the button was on, as Action.Execute would have.
                await _sender.UpdateOrReplyAsync(activity, TeamsReplyRenderer.Card(action.Reply, CardSurface.Conversation, action.Notice), ct).ConfigureAwait(false);
            }

            return;
        }

        var reply = await _conversation.RunAsync(context with
        {
            MessageRef = activity.Id,
            RequesterIsActor = true,
            // A redelivery of this message (after a failed reply) returns the request stored the first time.
            IdempotencyKey = activity.Id is { Length: > 0 } id ? "msg:" + activity.Conversation!.Id + ":" + id : null,
        }, text, CommandSource.ChatMessage, ct).ConfigureAwait(false);
        Committed(reply, claim);
        if (reply is DigestRequestedReply digest)
        {
            var work = new DigestWork
            {
                ServiceUrl = activity.ServiceUrl!,
                ConversationId = activity.Conversation!.Id!,
                ReplyToId = activity.Id,
                LeadId = digest.LeadId,
                IsoWeek = digest.IsoWeek,
            };
            await _sender.EnqueueAsync(context.Tenant, TeamsWorkKinds.Digest, JsonSerializer.Serialize(work, TeamsWorkJsonContext.Default.DigestWork), "digest:" + activity.Id, ct).ConfigureAwait(false);
            return;
        }

        var (replyText, card) = TeamsReplyRenderer.Message(reply, CardSurface.Conversation);
        await _sender.ReplyAsync(activity, replyText, card, ct).ConfigureAwait(false);
    }

    private static void Committed(ChatReply reply, EventOnce.Handle? claim)
    {
        if (reply.Effects.HasFlag(ReplyEffects.Committed))
        {
            claim?.EffectsCommitted();
        }
    }
}
