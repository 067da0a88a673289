using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Conversation;
using TriageBot.Slack.Api;
using TriageBot.Slack.BlockKit;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

/// <summary>
/// Every verified inbound Slack request, from HTTP or Socket Mode, is routed here: events, slash commands and
/// interactions each go to their router, and whatever fails is answered the way Slack can show it. It never throws
/// for user mistakes or malformed payloads.
/// </summary>
public sealed class SlackTransport
{
    private readonly SlackEventRouter _events;
    private readonly SlackCommandRouter _commands;
    private readonly SlackInteractionRouter _interactions;
    private readonly SlackOutbox _outbox;
    private readonly ConversationService _conversation;
    private readonly ILogger<SlackTransport> _log;

    /// <summary>Creates the transport.</summary>
    public SlackTransport(SlackEventRouter events, SlackCommandRouter commands, SlackInteractionRouter interactions, SlackOutbox outbox,
        ConversationService conversation, ILogger<SlackTransport> log)
    {
        _events = events;
        _commands = commands;
        _interactions = interactions;
        _outbox = outbox;
        _conversation = conversation;
        _log = log;
    }

    /// <summary>Handles one inbound request and returns the ack.</summary>
    public async Task<SlackAck> HandleAsync(SlackInbound inbound, CancellationToken ct)
    {
        switch (inbound)
        {
            case UrlVerificationInbound v:
                return SlackAck.WithJson(new JsonObject { ["challenge"] = v.Challenge });
            case SslCheckInbound:
                return SlackAck.Ok;
            case UnknownInbound u when u.Type == "app_rate_limited":
                _log.LogWarning("Slack reports that event deliveries to this app are rate limited");
                return SlackAck.Ok;
            case UnknownInbound u:
                return SlackAck.Client(400, $"Unsupported payload type '{u.Type}'.");
            case EventCallbackInbound e:
                return await _events.HandleAsync(e.Envelope, ct);
            case SlashCommandInbound c:
                return await GuardAsync(() => _commands.HandleAsync(c.Command, ct), ephemeral: true);
            case InteractionInbound i:
                // Slack shows nothing from the ack body of a shortcut or a button click: problems go back through the
                // payload's response_url instead (view submissions answer in the ack, with response_action).
                return await GuardAsync(() => _interactions.HandleAsync(i.Payload, ct), ephemeral: false,
                    notify: i.Payload is { Type: "block_actions" or "message_action" or "shortcut", ResponseUrl: { Length: > 0 } responseUrl }
                        ? message => _outbox.RespondAsync(SlackTenants.For(i.Payload), new RespondWork { ResponseUrl = responseUrl, ReplaceOriginal = false, Text = SlackText.Escape(message) }, ct)
                        : null);
            default:
                return SlackAck.Client(400, "Unsupported payload.");
        }
    }

    private async Task<SlackAck> GuardAsync(Func<Task<SlackAck>> handler, bool ephemeral, Func<string, Task<bool>>? notify = null)
    {
        try
        {
            return await handler();
        }
        catch (Engine.Decisions.TriageUserException ex)
        {
            return await AnswerAsync(new ErrorReply(ex.Message, ShowHelp: true));
        }
        catch (SlackPayloadException ex)
        {
            return SlackAck.Client(400, ex.Message);
        }
        catch (SlackApiException ex)
        {
            _log.LogWarning(ex, "A Slack Web API call made while answering failed: {Error}", ex.Error);
            return await AnswerAsync(new NoticeReply("Slack didn't accept my answer in time. Please try again."));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogError(ex, "Handling a Slack request failed");
            return await AnswerAsync(new NoticeReply("Something went wrong on my side. Please try again in a minute."));
        }

        async Task<SlackAck> AnswerAsync(ChatReply reply)
        {
            if (ephemeral)
            {
                return SlackAck.WithJson(SlackReplyRenderer.Ephemeral(reply, _conversation.Commands.All));
            }

            if (notify is not null)
            {
                try
                {
                    await notify(SlackReplyRenderer.Message(reply, []).Text);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _log.LogWarning(ex, "Could not queue the answer for the interaction's response_url");
                }
            }

            return SlackAck.Ok;
        }
    }
}
