using Microsoft.Extensions.Logging;
using TriageBot.Engine.Conversation;
using TriageBot.Slack.BlockKit;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

/// <summary>
/// Interactivity: maps Slack's action ids and the message shortcut to the engine's card actions, and shows the replies
/// where the click was (modal, message, App Home). View submissions go to <see cref="SlackViewSubmissions"/>.
/// </summary>
public sealed class SlackInteractionRouter
{
    private readonly ConversationService _conversation;
    private readonly SlackResponder _responder;
    private readonly SlackViewSubmissions _views;
    private readonly ILogger<SlackInteractionRouter> _log;
    private readonly TimeProvider _time;

    /// <summary>Creates the router.</summary>
    public SlackInteractionRouter(ConversationService conversation, SlackResponder responder, SlackViewSubmissions views, ILogger<SlackInteractionRouter> log, TimeProvider time)
    {
        _conversation = conversation;
        _responder = responder;
        _views = views;
        _log = log;
        _time = time;
    }

    /// <summary>Handles one interaction payload and returns the ack.</summary>
    public async Task<SlackAck> HandleAsync(InteractionPayload payload, CancellationToken ct)
    {
        var tenant = SlackTenants.For(payload);
        return payload.Type switch
        {
            "message_action" when payload.CallbackId == SlackIds.TriageMessageShortcut => await TriageShortcutAsync(tenant, payload, ct),
            "message_action" or "shortcut" => SlackAck.Client(400, $"Unknown shortcut '{payload.CallbackId}'."),
            "block_actions" => await BlockActionsAsync(tenant, payload, ct),
            "view_submission" => await _views.HandleAsync(tenant, payload, ct),
            "view_closed" => SlackAck.Ok,
            _ => SlackAck.Client(400, $"Unsupported interaction type '{payload.Type}'."),
        };
    }

    private async Task<SlackAck> TriageShortcutAsync(string tenant, InteractionPayload payload, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(payload.TriggerId) || payload.Message is null || payload.Channel?.Id is null)
        {
            return SlackAck.Client(400, "The shortcut payload has no trigger_id, message or channel.");
        }

        // trigger_id expires 3 s after the click, and resolving users (users.info) or a rate-limited Web API can take
        // longer: open the modal first with a placeholder, then fill it in with views.update (Slack's documented pattern).
        var started = _time.GetTimestamp();
        var opened = await _responder.OpenViewAsync(tenant, payload.TriggerId,
            SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(Md.Trusted(":hourglass_flowing_sand: Triaging this request…"))), ct);
        System.Text.Json.Nodes.JsonObject view;
        try
        {
            view = await ShortcutViewAsync(tenant, payload, payload.Message, payload.Channel.Id, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogError(ex, "Triaging a message from the shortcut failed");
            view = SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(Md.Trusted(":warning: Something went wrong on my side. Please try again in a minute.")));
        }

        if (opened.View?.Id is { } viewId)
        {
            // The request is stored by now; filling in the modal must not make the ack late, so what is left of the
            // ack's time bounds it and a slow views.update finishes from the queue.
            await _responder.UpdateViewAsync(tenant, viewId, opened.View.Hash, view, AckDeadline.Interaction - _time.GetElapsedTime(started), ct);
        }

        return SlackAck.Ok;
    }

    /// <summary>What the shortcut's modal shows: the decision for a Lead, who to ask for anyone else.</summary>
    private async Task<System.Text.Json.Nodes.JsonObject> ShortcutViewAsync(string tenant, InteractionPayload payload, InteractionMessage message, string channel, CancellationToken ct)
    {
        var shared = message.Attachments?.FirstOrDefault(a => (a.IsShare == true || a.IsMsgUnfurl == true) && !string.IsNullOrWhiteSpace(a.Text));
        var text = SlackText.Unescape((string.IsNullOrWhiteSpace(message.Text) ? shared?.Text : message.Text) ?? string.Empty);
        if (string.IsNullOrWhiteSpace(text))
        {
            return SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(Md.Trusted("That message has no text I can triage.")));
        }

        var context = await _responder.ContextAsync(tenant, payload.User!.Id!, ct);
        var requester = context.Actor.IsLead && message.User is { Length: > 0 } author
            ? _responder.Actor(await _responder.ResolveAsync(tenant, author, ct))
            : new ChatActor("unknown", "someone", false);
        var threadTs = message.ThreadTs ?? message.Ts;
        var reply = await _conversation.RequestAsync(context with { Channel = channel, MessageRef = threadTs, Requester = requester }, text, ct);
        return reply switch
        {
            CardReply card => SlackRenderer.CardModal(card.Card, new ModalContext { RequestId = card.Card.RequestId, Channel = channel, ThreadTs = threadTs, RequesterUserId = message.User }),
            WhoReply who => SlackRenderer.InfoModal("Who to ask", SlackRenderer.Who(who.Who, who.Note)),
            _ => SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(SlackReplyRenderer.Inline(reply))),
        };
    }

    private async Task<SlackAck> BlockActionsAsync(string tenant, InteractionPayload payload, CancellationToken ct)
    {
        var action = payload.Actions?.FirstOrDefault();
        if (action?.ActionId is null)
        {
            return SlackAck.Client(400, "block_actions without an action.");
        }

        if (!TryRoute(action, payload, out var name, out var input, out var problem))
        {
            if (problem is null)
            {
                // Not one of ours to act on (a link button, an input that only reports its value).
                return SlackAck.Ok;
            }

            if (payload.ResponseUrl is null && payload.View is null && (payload.Container?.ChannelId ?? payload.Channel?.Id) is null)
            {
                // Nowhere to tell anyone: not a real click.
                return SlackAck.Client(400, problem);
            }

            // A card from an older version, or tampered with: a 400 would only show Slack's generic warning icon.
            _log.LogInformation("Unreadable card action {ActionId}: {Problem}", action.ActionId, problem);
            await _responder.NotifyAsync(tenant, payload, "This button is out of date: triage the message again to get a fresh card.", ct);
            return SlackAck.Ok;
        }

        var userId = payload.User!.Id!;
        var context = await _responder.ContextAsync(tenant, userId, ct);
        var reply = await _conversation.ActAsync(context, name, input, ct);
        await _responder.FollowUpAsync(tenant, userId, reply, ct);
        var modal = SlackRenderer.ReadContext(payload.View?.PrivateMetadata) ?? new ModalContext { RequestId = input.RequestId ?? Guid.Empty };
        switch (reply)
        {
            case ErrorReply error when name != CardActionNames.OpenSettings:
                await _responder.NotifyAsync(tenant, payload, error.Message, ct);
                break;
            case SettingsReply settings when payload.TriggerId is not null:
                await _responder.OpenViewAsync(tenant, payload.TriggerId, SlackRenderer.SettingsModal(settings.Settings), ct);
                break;
            case CardReply when payload.View?.Type == "home":
                // Done from the App Home: the refreshed Home is the answer.
                break;
            case CardReply card:
                await _responder.ShowCardAsync(tenant, payload, card.Card, modal, card.Notice, ct);
                break;
            case RequesterMessageReply clarify:
                var asked = await _responder.PostToRequesterAsync(tenant, clarify, modal, userId, ct);
                await _responder.ShowCardAsync(tenant, payload, clarify.Card, modal, asked
                    ? "Asking for details in the thread (if I can't post there, I'll DM you the text)."
                    : "Already asked, with the same words: nothing new posted.", ct);
                break;
            case RedirectPreviewReply preview when payload.TriggerId is not null:
                var redirectContext = new ModalContext
                {
                    RequestId = preview.Preview.Request.Id,
                    Channel = modal.Channel ?? preview.Preview.Request.Channel,
                    ThreadTs = modal.ThreadTs ?? preview.Preview.Request.MessageRef,
                    RequesterUserId = modal.RequesterUserId,
                    OwnerId = preview.Preview.Owner.Id,
                };
                var push = payload.Container?.Type == "view" || payload.View?.Type == "modal";
                if (!push && payload.View is null)
                {
                    // Opened from a card in a message: once the redirect is sent, that card must not keep offering it.
                    var ephemeral = payload.Container?.IsEphemeral == true;
                    redirectContext.CardChannel = payload.Container?.ChannelId ?? payload.Channel?.Id;
                    redirectContext.CardTs = ephemeral ? null : payload.Container?.MessageTs;
                    redirectContext.CardResponseUrl = ephemeral ? payload.ResponseUrl : null;
                }

                await _responder.OpenViewAsync(tenant, payload.TriggerId, SlackRenderer.RedirectModal(preview.Preview, redirectContext), ct, push);
                break;
        }

        return SlackAck.Ok;
    }

    /// <summary>Slack's action ids and values → the engine's card action. False with no problem: a button this app did not make.</summary>
    private static bool TryRoute(BlockAction action, InteractionPayload payload, out string name, out CardActionInput input, out string? problem)
    {
        name = string.Empty;
        input = new CardActionInput();
        problem = null;
        var id = action.ActionId!;
        if (id == SlackIds.OpenSettings)
        {
            name = CardActionNames.OpenSettings;
            return true;
        }

        if (id.StartsWith(SlackIds.TopicPrefix, StringComparison.Ordinal))
        {
            // The select sends the chosen option; a guess button its value.
            if (!SlackRenderer.TryParseTopic(action.SelectedOption?.Value ?? action.Value, out var requestId, out var topicId))
            {
                problem = "Unreadable topic value.";
                return false;
            }

            (name, input) = (CardActionNames.CorrectTopic, new CardActionInput(requestId) { TopicId = topicId });
            return true;
        }

        if (id.StartsWith(SlackIds.OverridePrefix, StringComparison.Ordinal))
        {
            if (!SlackRenderer.TryParseOverride(action.SelectedOption?.Value, out var requestId, out var question, out var answer))
            {
                problem = "Unreadable override value.";
                return false;
            }

            (name, input) = (CardActionNames.Override, new CardActionInput(requestId) { Question = question.ToString(), Answer = answer.ToString() });
            return true;
        }

        name = id switch
        {
            SlackIds.Take => CardActionNames.Take,
            SlackIds.Redirect => CardActionNames.PreviewRedirect,
            SlackIds.Clarify => CardActionNames.Clarify,
            SlackIds.Done => CardActionNames.Done,
            _ => string.Empty,
        };
        if (name.Length == 0)
        {
            return false;
        }

        if (!Guid.TryParse(action.Value, out var id2))
        {
            problem = "Unreadable request id.";
            return false;
        }

        input = new CardActionInput(id2) { Estimate = (payload.View?.State ?? payload.State)?.Get(SlackIds.EstimateBlock, SlackIds.EstimateAction) };
        return true;
    }
}
