using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
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
    private readonly IServiceScopeFactory _scopes;

    /// <summary>Creates the handler; the responder and outbox are scoped, so each item gets its own scope.</summary>
    public SlackCommandWorkHandler(ConversationService conversation, IServiceScopeFactory scopes)
    {
        _conversation = conversation;
        _scopes = scopes;
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

        await using var scope = _scopes.CreateAsyncScope();
        var responder = scope.ServiceProvider.GetRequiredService<SlackResponder>();
        var outbox = scope.ServiceProvider.GetRequiredService<SlackOutbox>();
        var context = await responder.ContextAsync(item.Tenant, work.UserId, ct) with
        {
            Channel = work.ChannelId ?? string.Empty,
            IdempotencyKey = work.TriggerId is { Length: > 0 } trigger ? "slash:" + trigger : "item:" + item.Id.ToString("N"),
        };
        var reply = await _conversation.RunAsync(context, work.Text, CommandSource.Command, ct);
        await responder.FollowUpAsync(item.Tenant, work.UserId, reply, ct);

        var message = SlackReplyRenderer.Ephemeral(reply, _conversation.Commands.All);
        await outbox.RespondAsync(item.Tenant, new RespondWork
        {
            ResponseUrl = work.ResponseUrl,
            ReplaceOriginal = true,
            Text = (string?)message["text"] ?? string.Empty,
            Blocks = message["blocks"]?.DeepClone() as JsonArray,
        }, "answer:" + item.Id.ToString("N"), ct);
    }
}
