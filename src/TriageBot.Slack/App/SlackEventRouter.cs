using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Ports;
using TriageBot.Slack.BlockKit;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

/// <summary>
/// The Events API: keeps what the bot should answer (DMs, mentions, App Home), claims each event once across deliveries
/// and replicas, and hands messages to the engine's conversation; answers are queued.
/// </summary>
public sealed partial class SlackEventRouter
{
    /// <summary>How long a claim on an event blocks other deliveries of it (handling takes well under Slack's 3 s).</summary>
    internal static readonly TimeSpan EventClaimLease = TimeSpan.FromSeconds(30);

    private static readonly HashSet<string?> HandledMessageSubtypes = [null, "", "file_share", "thread_broadcast"];

    private readonly ConversationService _conversation;
    private readonly EventOnce _eventOnce;
    private readonly SlackOutbox _outbox;
    private readonly SlackResponder _responder;
    private readonly SlackTokenProvider _tokens;
    private readonly ILogger<SlackEventRouter> _log;

    /// <summary>Creates the router.</summary>
    public SlackEventRouter(ConversationService conversation, IEventDeduplicator dedup, SlackOutbox outbox, SlackResponder responder, SlackTokenProvider tokens,
        TimeProvider time, ILogger<SlackEventRouter> log)
    {
        _conversation = conversation;
        _outbox = outbox;
        _responder = responder;
        _tokens = tokens;
        _log = log;
        _eventOnce = new EventOnce(dedup, time, EventClaimLease,
            (eventId, ex) => _log.LogWarning(ex, "Could not settle the claim on Slack event {EventId}; its lease decides", eventId));
    }

    /// <summary>Handles one event callback and returns the ack.</summary>
    public async Task<SlackAck> HandleAsync(EventEnvelope envelope, CancellationToken ct)
    {
        var ev = SlackInboundParser.ReadEvent(envelope);
        if (ev is null)
        {
            return SlackAck.Client(400, "The event is missing.");
        }

        var tenant = SlackTenants.For(envelope);
        if (!await IsInterestingAsync(ev, envelope, tenant, ct))
        {
            return SlackAck.Ok;
        }

        // Retries (X-Slack-Retry-Num) and duplicates carry the same event_id: one claim processes it, across processes.
        // The claim is completed only once the reply is durably queued, and released on failure, so a delivery that
        // fails or dies half-way is processed by Slack's next retry instead of being swallowed as a duplicate.
        var eventId = envelope.EventId!;
        EventClaim outcome;
        try
        {
            // The bot's own user (a mention of it addresses the bot, it is not part of the request).
            var bots = envelope.Authorizations?.Where(a => a is { IsBot: true, UserId.Length: > 0 }).Select(a => a.UserId!).ToArray() ?? [];
            outcome = await _eventOnce.RunAsync(tenant, eventId, _ => HandleClaimedAsync(tenant, eventId, ev, bots, ct), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not processed and the claim given back: answer 500 so Slack's retry (up to three) processes the event.
            // Shutdown (cancellation) propagates and the endpoint answers 503.
            _log.LogError(ex, "Handling Slack event {EventId} ({EventType}) failed; released for Slack's retry", eventId, ev.Type);
            return new SlackAck(StatusCodes.Status500InternalServerError, Text: "The event could not be processed; please retry.");
        }

        switch (outcome)
        {
            case EventClaim.Done:
                _log.LogInformation("Duplicate Slack event {EventId} ignored", eventId);
                return SlackAck.Ok;
            case EventClaim.InProgress:
                // Another delivery is being handled right now. Not a 200: if that handler dies, Slack's next retry
                // (a minute later, after the lease) must still find the event unprocessed.
                _log.LogInformation("Slack event {EventId} is already being handled; asking Slack to retry later", eventId);
                return SlackAck.Client(StatusCodes.Status409Conflict, "This event is being processed.");
            default:
                return SlackAck.Ok;
        }
    }

    private async Task HandleClaimedAsync(string tenant, string eventId, SlackEvent ev, string[] bots, CancellationToken ct)
    {
        switch (ev.Type)
        {
            case "app_home_opened":
                await _outbox.PublishHomeAsync(tenant, ev.User!, "home:" + eventId, ct);
                break;
            case "message":
            case "app_mention":
                await HandleMessageAsync(tenant, eventId, ev, bots, ct);
                break;
            default:
                break;
        }
    }

    private async Task<bool> IsInterestingAsync(SlackEvent ev, EventEnvelope envelope, string tenant, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(ev.User))
        {
            return false;
        }

        switch (ev.Type)
        {
            case "app_home_opened":
                return ev.Tab is null or "home";
            case "message" when ev.ChannelType != "im":
                return false;
            case "message":
            case "app_mention":
                // Never answer bots, edits, deletions or our own messages (loops).
                if (!string.IsNullOrEmpty(ev.BotId) || !HandledMessageSubtypes.Contains(ev.Subtype) || string.IsNullOrEmpty(ev.Channel))
                {
                    return false;
                }

                if (envelope.Authorizations?.Any(a => a.IsBot && a.UserId == ev.User) == true)
                {
                    return false;
                }

                return ev.User != await _tokens.GetBotUserIdAsync(tenant, ct);
            default:
                return false;
        }
    }

    private async Task HandleMessageAsync(string tenant, string eventId, SlackEvent ev, string[] bots, CancellationToken ct)
    {
        var shared = ev.Attachments?.FirstOrDefault(a => (a.IsShare == true || a.IsMsgUnfurl == true) && !string.IsNullOrWhiteSpace(a.Text));
        var text = SlackText.Unescape(shared?.Text ?? await ReadMentionsAsync(tenant, ev, bots, ct));
        var threadTs = ev.Type == "app_mention" ? ev.ThreadTs ?? ev.Ts : ev.ThreadTs;
        var dedupKey = "evt:" + eventId;
        ChatReply reply;
        if (string.IsNullOrWhiteSpace(text))
        {
            reply = new NoticeReply("Paste or forward a request and I'll triage it. Try `/triage help`.");
        }
        else
        {
            var context = await _responder.ContextAsync(tenant, ev.User!, ct) with
            {
                Channel = ev.Channel!,
                MessageRef = ev.ThreadTs ?? ev.Ts,
                MessageLink = shared?.FromUrl,
                // A retry of this event (after a failure further on) returns the request stored the first time.
                IdempotencyKey = dedupKey,
            };
            if (shared is null)
            {
                reply = await _conversation.RunAsync(context, text, CommandSource.ChatMessage, ct);
            }
            else
            {
                // A shared message is someone's request, never a command.
                var requester = shared.AuthorId is { Length: > 0 } authorId
                    ? _responder.Actor(await _responder.ResolveAsync(tenant, authorId, ct))
                    : new ChatActor("pasted", shared.AuthorName ?? "someone (pasted)", false);
                reply = await _conversation.RequestAsync(context with { Requester = requester }, text, ct);
            }

            await _responder.FollowUpAsync(tenant, ev.User!, reply, ct);
            if (reply is DigestRequestedReply digest)
            {
                await _outbox.SendDigestAsync(tenant, new SendDigestWork { LeadId = digest.LeadId, UserId = ev.User, IsoWeek = digest.IsoWeek }, ct);
            }
        }

        var (fallback, blocks) = reply is CardReply card
            ? SlackRenderer.CardMessage(card.Card, card.Notice)
            : ToMessage(SlackReplyRenderer.Message(reply, _conversation.Commands.All));
        await _outbox.PostAsync(tenant, new PostMessageWork { Channel = ev.Channel!, ThreadTs = threadTs, Text = fallback, Blocks = blocks }, dedupKey, ct);
    }

    private static (string Text, System.Text.Json.Nodes.JsonArray? Blocks) ToMessage((string Text, BlockBuilder? Blocks) message) =>
        (SlackText.TruncateMrkdwn(SlackText.Escape(message.Text), BlockLimits.MessageText), message.Blocks?.Build());

    [GeneratedRegex(@"<@(?<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>(?<space> ?)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex MentionPattern();

    /// <summary>
    /// The text with its user mentions read: the bot's own are dropped (they address it), anyone else becomes "@Name"
    /// when known without calling Slack ("&lt;@U01OMAR&gt; says the mart is stale" keeps who said it); a mention nobody
    /// can name is dropped, as before.
    /// </summary>
    private async Task<string> ReadMentionsAsync(string tenant, SlackEvent ev, string[] bots, CancellationToken ct)
    {
        var text = ev.Text ?? string.Empty;
        if (!text.Contains("<@", StringComparison.Ordinal))
        {
            return text.Trim();
        }

        var bot = await _tokens.GetBotUserIdAsync(tenant, ct);
        return MentionPattern().Replace(text, m =>
        {
            var id = m.Groups["id"].Value;
            // Escaped like the rest of Slack's text, which is unescaped once afterwards; a dropped mention takes its
            // following space with it.
            return id == bot || bots.Contains(id) || _responder.KnownNameOf(tenant, id) is not { } name
                ? string.Empty
                : "@" + SlackText.Escape(name) + m.Groups["space"].Value;
        }).Trim();
    }
}
