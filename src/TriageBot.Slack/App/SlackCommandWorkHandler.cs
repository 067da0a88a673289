using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

/// <summary>
/// Reads a <c>/triage</c> request after the ack: runs it through the conversation (triage with the sentence model, or
/// who to ask) and replaces the "Reading your request…" answer through the command's response_url. A retried item
/// triages once (the trigger id is the request's idempotency key) and answers once (the response is queued under a
/// key derived from the item).
/// </summary>
public sealed class SlackCommandWorkHandler : IWorkHandler
{
    /// <summary>The work kind (not under "slack.", which <see cref="SlackWorkHandler"/> runs).</summary>
    public const string Kind = "slack-command.read";

    private readonly ConversationService _conversation;
    private readonly SlackResponder _responder;
    private readonly SlackOutbox _outbox;

    /// <summary>Creates the handler.</summary>
    public SlackCommandWorkHandler(ConversationService conversation, SlackResponder responder, SlackOutbox outbox)
    {
        _conversation = conversation;
        _responder = responder;
        _outbox = outbox;
    }

    /// <inheritdoc />
    public bool CanHandle(string kind) => kind == Kind;

    /// <inheritdoc />
    public async Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        SlashCommandWork? work;
        try
        {
            work = JsonSerializer.Deserialize(item.PayloadJson, SlackJsonContext.Default.SlashCommandWork);
        }
        catch (JsonException e)
        {
            throw new PermanentWorkException("Unreadable slash command work item.", e);
        }

        if (work is null)
        {
            throw new PermanentWorkException("Empty slash command work item.");
        }

        var context = await _responder.ContextAsync(item.Tenant, work.UserId, ct) with
        {
            Channel = work.ChannelId ?? string.Empty,
            IdempotencyKey = work.TriggerId is { Length: > 0 } trigger ? "slash:" + trigger : "item:" + item.Id.ToString("N"),
        };
        var reply = await _conversation.RunAsync(context, work.Text, CommandSource.Command, ct);
        await _responder.FollowUpAsync(item.Tenant, work.UserId, reply, ct);

        var message = SlackReplyRenderer.Ephemeral(reply, _conversation.Commands.All);
        await _outbox.RespondAsync(item.Tenant, new RespondWork
        {
            ResponseUrl = work.ResponseUrl,
            ReplaceOriginal = true,
            Text = (string?)message["text"] ?? string.Empty,
            Blocks = message["blocks"]?.DeepClone() as JsonArray,
        }, "answer:" + item.Id.ToString("N"), ct);
    }
}
