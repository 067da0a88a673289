using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Ports;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>
/// Gets the bot's answers to Teams: now, in the request, when the conversation's pacing allows it; otherwise, or when
/// the connector fails, through the durable queue. Every reply to an accepted activity is sent or queued.
/// </summary>
public sealed class TeamsReplySender
{
    /// <summary>Longest display name echoed back in a reply.</summary>
    internal const int MaxEchoedNameLength = 256;

    private readonly ConnectorClient _connector;
    private readonly IWorkQueue _queue;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxInlineReplyWait;
    private readonly ILogger<TeamsReplySender> _logger;

    /// <summary>Creates the sender.</summary>
    public TeamsReplySender(ConnectorClient connector, IWorkQueue queue, TimeProvider time, ILogger<TeamsReplySender> logger, IOptions<TeamsOptions>? options = null)
    {
        _connector = connector;
        _queue = queue;
        _time = time;
        _logger = logger;
        _maxInlineReplyWait = options?.Value.MaxInlineReplyWait ?? TimeSpan.FromSeconds(2);
    }

    /// <summary>The tenant key of an activity: <c>teams:{tenantId}</c>.</summary>
    public static string TenantOf(Activity activity) => TenantKey.ForTeams(activity?.TenantId).ToString();

    /// <summary>
    /// Replies now when the conversation's pacing allows it soon enough; otherwise, or when the connector fails, times out
    /// or the bot is stopping, the reply goes to the durable queue (see <see cref="IsReplyForQueue"/>).
    /// </summary>
    public async Task ReplyAsync(Activity activity, string? text, JsonObject? card, CancellationToken ct)
    {
        var reply = NewMessage(activity, text, card);
        var conversationId = activity.Conversation!.Id!;
        try
        {
            if (!string.IsNullOrEmpty(activity.Id))
            {
                await _connector.ReplyAsync(activity.ServiceUrl!, conversationId, activity.Id, reply, _maxInlineReplyWait, ct).ConfigureAwait(false);
            }
            else
            {
                await _connector.SendAsync(activity.ServiceUrl!, conversationId, reply, _maxInlineReplyWait, ct).ConfigureAwait(false);
            }
        }
        catch (ConnectorException ex) when (ex.Status == System.Net.HttpStatusCode.RequestEntityTooLarge && card is not null && !ct.IsCancellationRequested)
        {
            // Too large for a Teams message (a very long request quoted in the card). Sending it again would fail the
            // same way, and failing the delivery would only bring Teams' redelivery: say so in a short message instead.
            _logger.LogWarning(ex, "Reply too large for Teams ({ErrorCode}); sending a short note instead", ex.Code);
            await ReplyAsync(activity, "My answer is too large for a Teams message. Shorten the request (the part that says what is needed) and send it again.", null, ct).ConfigureAwait(false);
        }
        catch (ConnectorException ex) when (ex.Status is System.Net.HttpStatusCode.RequestEntityTooLarge or System.Net.HttpStatusCode.RequestUriTooLong or System.Net.HttpStatusCode.BadRequest && !ct.IsCancellationRequested)
        {
            // Refused for what it is (too large, an address too long, malformed): no retry or redelivery can change that,
            // and a 500 would only bring Teams' redelivery of the same activity. Logged, not thrown.
            _logger.LogWarning(ex, "Teams refused the reply ({StatusCode} {ErrorCode}); it is not retried", (int)ex.Status, ex.Code);
        }
        catch (Exception ex) when (IsReplyForQueue(ex, ct))
        {
            // Not sent now (paced, failed after retries, timed out, stopping): hand it to the durable queue rather than
            // lose it. Recorded even when stopping: the activity was accepted, so its reply must not vanish.
            if (ex is ConnectorException { IsPaced: true })
            {
                _logger.LogInformation("Reply held back by the conversation's pacing; queueing it");
            }
            else
            {
                _logger.LogWarning(ex, "Reply not sent; queueing it");
            }

            var work = new SendWork { ServiceUrl = activity.ServiceUrl!, ConversationId = conversationId, ReplyToId = activity.Id, Text = text, Card = card };
            var dedupKey = string.IsNullOrEmpty(activity.Id) ? null : "reply:" + conversationId + ":" + activity.Id;

            // A paced reply is due when its conversation has room: until then it does not hold a queue worker.
            var now = _time.GetUtcNow();
            var due = ex is ConnectorException { IsPaced: true, RetryAfter: { } wait } ? now + wait : now;
            await _queue.EnqueueAsync(new WorkItem(Guid.CreateVersion7(now), TenantOf(activity), TeamsWorkKinds.Send, JsonSerializer.Serialize(work, TeamsWorkJsonContext.Default.SendWork), 0, due, now, dedupKey), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Replaces the card a button was on (Action.Submit in a chat), or replies when there is none.</summary>
    public async Task UpdateOrReplyAsync(Activity activity, JsonObject card, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(activity.ReplyToId))
        {
            await ReplyAsync(activity, null, card, ct).ConfigureAwait(false);
            return;
        }

        var update = NewMessage(activity, null, card);
        update.Id = activity.ReplyToId;
        await _connector.UpdateAsync(activity.ServiceUrl!, activity.Conversation!.Id!, activity.ReplyToId, update, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a message to the activity's conversation (the install greeting); when the connector cannot be reached or
    /// fails for now, it goes to the durable queue (retried there) instead of failing the activity.
    /// </summary>
    public async Task SendOrQueueAsync(Activity activity, string text, string dedupKey, CancellationToken ct)
    {
        var conversationId = activity.Conversation!.Id!;
        try
        {
            await _connector.SendAsync(activity.ServiceUrl!, conversationId, NewMessage(activity, text, null), _maxInlineReplyWait, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransientSendFailure(ex) || IsReplyForQueue(ex, ct))
        {
            _logger.LogWarning(ex, "Message not sent now; queueing it");
            var work = new SendWork { ServiceUrl = activity.ServiceUrl!, ConversationId = conversationId, Text = text };
            await EnqueueAsync(TenantOf(activity), TeamsWorkKinds.Send, JsonSerializer.Serialize(work, TeamsWorkJsonContext.Default.SendWork), dedupKey, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gets a message to the requester: a thread reply in the channel where the request was posted when Teams allows it
    /// (queued, durable), otherwise the text for the Lead to paste. Returns what to tell the Lead.
    /// </summary>
    public async Task<string> DeliverToRequesterAsync(Activity activity, RequesterMessageReply reply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var (request, message) = (reply.Request, reply.Message);
        var conversation = activity.Conversation!;
        var inChannel = string.Equals(conversation.ConversationType, "channel", StringComparison.OrdinalIgnoreCase);
        var baseId = ActivityText.BaseConversationId(conversation.Id!);
        if (inChannel && !string.IsNullOrEmpty(request.MessageRef) && string.Equals(baseId, request.Channel, StringComparison.Ordinal))
        {
            var work = new SendWork { ServiceUrl = activity.ServiceUrl!, ConversationId = baseId, ReplyToId = request.MessageRef, Text = message };
            var queued = await EnqueueAsync(TenantOf(activity), TeamsWorkKinds.Send, JsonSerializer.Serialize(work, TeamsWorkJsonContext.Default.SendWork), reply.DeliveryKey, ct).ConfigureAwait(false);
            return (queued ? "Posted in the thread:\n" : "Already posted in the thread, with the same words (nothing new sent):\n") + message;
        }

        return $"Copy this to {request.RequesterName}:\n" + message;
    }

    /// <summary>Queues a work item for the Teams work handler; false when an item with the same dedup key exists.</summary>
    public async Task<bool> EnqueueAsync(string tenant, string kind, string payload, string? dedupKey, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        return await _queue.EnqueueAsync(new WorkItem(Guid.CreateVersion7(now), tenant, kind, payload, 0, now, now, dedupKey), ct).ConfigureAwait(false);
    }

    /// <summary>A message activity from the bot in the activity's conversation.</summary>
    internal static Activity NewMessage(Activity to, string? text, JsonObject? card)
    {
        var message = new Activity
        {
            Type = ActivityTypes.Message,
            // Names are echoed, so a huge one would make every reply too large: shortened.
            From = to.Recipient is null ? null : new ChannelAccount { Id = to.Recipient.Id, Name = Shorten(to.Recipient.Name) },
            Recipient = to.From is null ? null : new ChannelAccount { Id = to.From.Id, Name = Shorten(to.From.Name) },
            Conversation = to.Conversation is null ? null : new ConversationAccount { Id = to.Conversation.Id },
            ReplyToId = to.Id,
            Text = text,
            TextFormat = text is null ? null : "plain",
        };
        if (card is not null)
        {
            message.Attachments = [new Attachment { ContentType = Attachment.AdaptiveCardContentType, Content = card }];
        }

        return message;
    }

    private static string? Shorten(string? name) => name is { Length: > MaxEchoedNameLength } ? name[..MaxEchoedNameLength] : name;

    /// <summary>A send that may work later: network failure, client timeout, throttling or a server error.</summary>
    private static bool IsTransientSendFailure(Exception ex) => ex switch
    {
        HttpRequestException or TaskCanceledException => true,
        ConnectorException c => !c.IsBlocked && ((int)c.Status >= 500 || c.Status is System.Net.HttpStatusCode.TooManyRequests or System.Net.HttpStatusCode.RequestTimeout or System.Net.HttpStatusCode.PreconditionFailed),
        _ => false,
    };

    /// <summary>
    /// A reply that was not sent but may be later: held back by pacing, a network failure or client timeout, a connector
    /// error other than a block, or the bot stopping (<paramref name="ct"/> is the application's, not the request's).
    /// </summary>
    private static bool IsReplyForQueue(Exception ex, CancellationToken ct) =>
        ex is HttpRequestException or TimeoutException or ConnectorException { IsBlocked: false }
        || (ex is OperationCanceledException && (ct.IsCancellationRequested || ex is TaskCanceledException { InnerException: TimeoutException }));
}
