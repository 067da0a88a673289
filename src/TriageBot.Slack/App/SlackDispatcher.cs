using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Slack.Api;
using TriageBot.Slack.BlockKit;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

/// <summary>
/// Handles every verified inbound Slack request, from HTTP or Socket Mode. It maps payloads to use-case calls and renders the answers;
/// anything slow (posting messages, uploads) is enqueued. It never throws for user mistakes or malformed payloads.
/// </summary>
public sealed partial class SlackDispatcher
{
    private static readonly HashSet<string?> HandledMessageSubtypes = [null, "", "file_share", "thread_broadcast"];

    private readonly ITriageUseCases _useCases;
    /// <summary>How long a claim on an event blocks other deliveries of it (handling takes well under Slack's 3 s).</summary>
    internal static readonly TimeSpan EventClaimLease = TimeSpan.FromSeconds(30);

    private readonly EventOnce _eventOnce;
    private readonly SlackOutbox _outbox;
    private readonly SlackApiClient _api;
    private readonly SlackTokenProvider _tokens;
    private readonly SlackUserDirectory _users;
    private readonly TimeProvider _time;
    private readonly ILogger<SlackDispatcher> _log;

    /// <summary>Creates the dispatcher.</summary>
    public SlackDispatcher(ITriageUseCases useCases, IEventDeduplicator dedup, SlackOutbox outbox, SlackApiClient api, SlackTokenProvider tokens,
        SlackUserDirectory users, TimeProvider time, ILogger<SlackDispatcher> log)
    {
        _useCases = useCases;
        _outbox = outbox;
        _api = api;
        _tokens = tokens;
        _users = users;
        _time = time;
        _log = log;
        _eventOnce = new EventOnce(dedup, time, EventClaimLease,
            (eventId, ex) => _log.LogWarning(ex, "Could not settle the claim on Slack event {EventId}; its lease decides", eventId));
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
                return await HandleEventAsync(e.Envelope, ct);
            case SlashCommandInbound c:
                return await GuardAsync(() => HandleCommandAsync(c.Command, ct), ephemeral: true);
            case InteractionInbound i:
                // Slack shows nothing from the ack body of a shortcut or a button click: problems go back through the
                // payload's response_url instead (view submissions answer in the ack, with response_action).
                return await GuardAsync(() => HandleInteractionAsync(i.Payload, ct), ephemeral: false,
                    notify: i.Payload is { Type: "block_actions" or "message_action" or "shortcut", ResponseUrl: { Length: > 0 } responseUrl }
                        ? message => _outbox.RespondAsync(SlackTenants.For(i.Payload), new RespondWork { ResponseUrl = responseUrl, ReplaceOriginal = false, Text = SlackText.Escape(message) }, ct)
                        : null);
            default:
                return SlackAck.Client(400, "Unsupported payload.");
        }
    }

    // ---- Events API ----

    private async Task<SlackAck> HandleEventAsync(EventEnvelope envelope, CancellationToken ct)
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
            outcome = await _eventOnce.RunAsync(tenant, eventId, _ => HandleClaimedEventAsync(tenant, eventId, ev, ct), ct);
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

    private async Task HandleClaimedEventAsync(string tenant, string eventId, SlackEvent ev, CancellationToken ct)
    {
        try
        {
            switch (ev.Type)
            {
                case "app_home_opened":
                    await _outbox.PublishHomeAsync(tenant, ev.User!, "home:" + eventId, ct);
                    break;
                case "message":
                case "app_mention":
                    await HandleMessageEventAsync(tenant, eventId, ev, ct);
                    break;
                default:
                    break;
            }
        }
        catch (TriageUserException ex) when (ev.Channel is not null)
        {
            // The person's mistake (e.g. a request the engine cannot take): they get the explanation, once.
            var threadTs = ev.Type == "app_mention" ? ev.ThreadTs ?? ev.Ts : ev.ThreadTs;
            await _outbox.PostAsync(tenant, new PostMessageWork { Channel = ev.Channel, ThreadTs = threadTs, Text = SlackText.Escape(ex.Message) }, "evt:" + eventId, ct);
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

    private async Task HandleMessageEventAsync(string tenant, string eventId, SlackEvent ev, CancellationToken ct)
    {
        var lead = await _users.ResolveAsync(tenant, ev.User!, ct);
        var shared = ev.Attachments?.FirstOrDefault(a => (a.IsShare == true || a.IsMsgUnfurl == true) && !string.IsNullOrWhiteSpace(a.Text));
        var text = shared?.Text ?? StripMentions(ev.Text ?? string.Empty);
        var threadTs = ev.Type == "app_mention" ? ev.ThreadTs ?? ev.Ts : ev.ThreadTs;
        var dedupKey = "evt:" + eventId;
        if (string.IsNullOrWhiteSpace(text))
        {
            await _outbox.PostAsync(tenant, new PostMessageWork
            {
                Channel = ev.Channel!, ThreadTs = threadTs, Text = "Paste or forward a request and I'll triage it. Try `/triage help`.",
            }, dedupKey, ct);
            return;
        }

        if (!_users.IsLead(lead.Person))
        {
            var who = await _useCases.WhoAsync(tenant, lead.OrgOrPlatformId, text, ct);
            await _outbox.PostAsync(tenant, new PostMessageWork
            {
                Channel = ev.Channel!, ThreadTs = threadTs, Text = SlackText.Escape(who.Advice), Blocks = SlackRenderer.Who(who).Build(),
            }, dedupKey, ct);
            return;
        }

        SlackUserRef requester = shared?.AuthorId is { Length: > 0 } authorId
            ? await _users.ResolveAsync(tenant, authorId, ct)
            : new SlackUserRef("pasted", null, shared?.AuthorName ?? "someone (pasted)");
        var result = await _useCases.TriageAsync(new IncomingRequest(
            tenant, Platform.Slack, ev.Channel!, ev.ThreadTs ?? ev.Ts, shared?.FromUrl,
            requester.OrgOrPlatformId, requester.DisplayName, lead.Person!.Id, text)
        {
            // A retry of this event (after a failure further on) returns the request stored the first time.
            IdempotencyKey = dedupKey,
        }, ct);
        var (fallback, blocks) = SlackRenderer.CardMessage(result.Card);
        await _outbox.PostAsync(tenant, new PostMessageWork { Channel = ev.Channel!, ThreadTs = threadTs, Text = fallback, Blocks = blocks }, dedupKey, ct);
    }

    [GeneratedRegex(@"<@[UW][A-Z0-9]+>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex MentionPattern();

    private static string StripMentions(string text) => MentionPattern().Replace(text, string.Empty).Trim();

    // ---- Slash commands ----

    private async Task<SlackAck> HandleCommandAsync(SlashCommand command, CancellationToken ct)
    {
        var tenant = SlackTenants.For(command);
        var text = command.Text.Trim();
        var line = ChatCommandLine.Parse(text);
        var (verb, rest) = (line.Verb, line.Rest);

        switch (verb)
        {
            case "" or "help":
                return Reply("TriageBot help", SlackRenderer.Help());
            case "who":
                if (rest.Length == 0)
                {
                    return Reply("Tell me what you need", SlackRenderer.Help("Add the request after `who`, e.g. `/triage who how do I get access to the events table?`"));
                }

                var asker = await _users.ResolveAsync(tenant, command.UserId, ct);
                var who = await _useCases.WhoAsync(tenant, asker.OrgOrPlatformId, rest, ct);
                return Reply(who.Advice, SlackRenderer.Who(who));
        }

        var user = await _users.ResolveAsync(tenant, command.UserId, ct);
        if (!_users.IsLead(user.Person))
        {
            if (verb is "log" or "done" or "digest" or "budget" or "settings")
            {
                return Reply("Lead-only command", SlackRenderer.Help(
                    "That command is for Leads, and I don't know you as a Lead in the org file. Ask your admin to add your slack_id, or use `/triage who <request>` to find who to ask."));
            }

            var whoForYou = await _useCases.WhoAsync(tenant, user.OrgOrPlatformId, text, ct);
            return Reply(whoForYou.Advice, SlackRenderer.Who(whoForYou, Messages.NotALeadWhoToAsk));
        }

        var leadId = user.Person!.Id;
        switch (verb)
        {
            case "log":
                {
                    if (line.LogArguments() is not { } log)
                    {
                        return Reply("How long?", SlackRenderer.Help("Say how long, e.g. `/triage log 45m pairing on the uplift model`."));
                    }

                    var logged = await _useCases.LogTimeAsync(tenant, leadId, log.Duration, null, log.Note, null, ct);
                    await RefreshHomeAsync(tenant, command.UserId, ct);
                    return Reply(logged.Confirmation);
                }

            case "done":
                {
                    var done = await _useCases.MarkDoneAsync(tenant, leadId, null, ct);
                    await RefreshHomeAsync(tenant, command.UserId, ct);
                    return Reply(done.Confirmation);
                }

            case "digest":
                await _outbox.SendDigestAsync(tenant, new SendDigestWork { LeadId = leadId, UserId = command.UserId }, ct);
                return Reply("Building this week's digest — it arrives in your DM with TriageBot in a moment.");
            case "budget":
                {
                    if (line.BudgetHours() is not { } hours)
                    {
                        return Reply("Budget in hours", SlackRenderer.Help("Give the weekly budget in hours, e.g. `/triage budget 6`."));
                    }

                    var settings = await _useCases.UpdateSettingsAsync(tenant, leadId, new SettingsChange(BudgetHours: hours), ct);
                    await RefreshHomeAsync(tenant, command.UserId, ct);
                    return Reply($"Your weekly help budget is now {settings.BudgetHours.ToString("0.#", CultureInfo.InvariantCulture)} h.");
                }

            case "settings":
                {
                    if (string.IsNullOrEmpty(command.TriggerId))
                    {
                        return Reply("Open the settings from TriageBot's Home tab.");
                    }

                    var settings = await _useCases.GetSettingsAsync(tenant, leadId, ct);
                    await OpenViewAsync(tenant, command.TriggerId, SlackRenderer.SettingsModal(settings), ct);
                    return SlackAck.Ok;
                }

            default:
                {
                    // Anything else is the request text itself: triage it now (fast, stored before the ack).
                    var result = await _useCases.TriageAsync(new IncomingRequest(
                        tenant, Platform.Slack, command.ChannelId ?? string.Empty, null, null, "pasted", "someone (pasted)", leadId, text), ct);
                    return Reply(result.Card.Headline, SlackRenderer.CardBlocks(result.Card, CardSurface.Message));
                }
        }
    }

    private static SlackAck Reply(string text, BlockBuilder? blocks = null) => SlackAck.WithJson(SlackRenderer.Ephemeral(text, blocks));

    // ---- Interactivity ----

    private async Task<SlackAck> HandleInteractionAsync(InteractionPayload payload, CancellationToken ct)
    {
        var tenant = SlackTenants.For(payload);
        return payload.Type switch
        {
            "message_action" when payload.CallbackId == SlackIds.TriageMessageShortcut => await TriageShortcutAsync(tenant, payload, ct),
            "message_action" or "shortcut" => SlackAck.Client(400, $"Unknown shortcut '{payload.CallbackId}'."),
            "block_actions" => await BlockActionsAsync(tenant, payload, ct),
            "view_submission" => await ViewSubmissionAsync(tenant, payload, ct),
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
        var token = await RequireTokenAsync(tenant, ct);
        var opened = await _api.OpenViewAsync(token, new ViewsOpenRequest
        {
            TriggerId = payload.TriggerId,
            View = SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(Md.Trusted(":hourglass_flowing_sand: Triaging this request…"))),
        }, ct);

        JsonObject view;
        try
        {
            view = await ShortcutViewAsync(tenant, payload, payload.Message, payload.Channel.Id, ct);
        }
        catch (TriageUserException ex)
        {
            view = SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(Md.Trusted(":warning: ") + Md.Text(ex.Message)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogError(ex, "Triaging a message from the shortcut failed");
            view = SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(Md.Trusted(":warning: Something went wrong on my side. Please try again in a minute.")));
        }

        if (opened.View?.Id is { } viewId)
        {
            await _api.UpdateViewAsync(token, new ViewsUpdateRequest { ViewId = viewId, Hash = opened.View.Hash, View = view }, ct);
        }

        return SlackAck.Ok;
    }

    /// <summary>What the shortcut's modal shows: the decision for a Lead, who to ask for anyone else.</summary>
    private async Task<JsonObject> ShortcutViewAsync(string tenant, InteractionPayload payload, InteractionMessage message, string channel, CancellationToken ct)
    {
        var shared = message.Attachments?.FirstOrDefault(a => (a.IsShare == true || a.IsMsgUnfurl == true) && !string.IsNullOrWhiteSpace(a.Text));
        var text = (string.IsNullOrWhiteSpace(message.Text) ? shared?.Text : message.Text) ?? string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(Md.Trusted("That message has no text I can triage.")));
        }

        var lead = await _users.ResolveAsync(tenant, payload.User!.Id!, ct);
        if (!_users.IsLead(lead.Person))
        {
            var who = await _useCases.WhoAsync(tenant, lead.OrgOrPlatformId, text, ct);
            return SlackRenderer.InfoModal("Who to ask", SlackRenderer.Who(who, Messages.NotALeadWhoToAsk));
        }

        var requester = message.User is { Length: > 0 } author
            ? await _users.ResolveAsync(tenant, author, ct)
            : new SlackUserRef("unknown", null, "someone");
        var threadTs = message.ThreadTs ?? message.Ts;
        var result = await _useCases.TriageAsync(new IncomingRequest(
            tenant, Platform.Slack, channel, threadTs, null, requester.OrgOrPlatformId, requester.DisplayName, lead.Person!.Id, text), ct);
        var context = new ModalContext { RequestId = result.Request.Id, Channel = channel, ThreadTs = threadTs, RequesterUserId = message.User };
        return SlackRenderer.CardModal(result.Card, context);
    }

    private async Task<SlackAck> BlockActionsAsync(string tenant, InteractionPayload payload, CancellationToken ct)
    {
        var action = payload.Actions?.FirstOrDefault();
        if (action?.ActionId is null)
        {
            return SlackAck.Client(400, "block_actions without an action.");
        }

        var userId = payload.User!.Id!;
        if (action.ActionId == SlackIds.OpenSettings)
        {
            var lead = await LeadOrNullAsync(tenant, userId, ct);
            if (lead is not null && payload.TriggerId is not null)
            {
                var settings = await _useCases.GetSettingsAsync(tenant, lead, ct);
                await OpenViewAsync(tenant, payload.TriggerId, SlackRenderer.SettingsModal(settings), ct);
            }

            return SlackAck.Ok;
        }

        var isOverride = action.ActionId.StartsWith(SlackIds.OverridePrefix, StringComparison.Ordinal);
        var isTopic = action.ActionId.StartsWith(SlackIds.TopicPrefix, StringComparison.Ordinal);
        Guid requestId;
        Question question = default;
        AnswerValue answer = default;
        var topicId = string.Empty;
        if (isTopic)
        {
            // The select sends the chosen option; a guess button its value.
            if (!SlackRenderer.TryParseTopic(action.SelectedOption?.Value ?? action.Value, out requestId, out topicId))
            {
                return SlackAck.Client(400, "Unreadable topic value.");
            }
        }
        else if (isOverride)
        {
            if (!SlackRenderer.TryParseOverride(action.SelectedOption?.Value, out requestId, out question, out answer))
            {
                return SlackAck.Client(400, "Unreadable override value.");
            }
        }
        else if (action.ActionId is SlackIds.Take or SlackIds.Redirect or SlackIds.Clarify or SlackIds.Done)
        {
            if (!Guid.TryParse(action.Value, out requestId))
            {
                return SlackAck.Client(400, "Unreadable request id.");
            }
        }
        else
        {
            // Buttons we did not make (or link buttons) need no answer.
            return SlackAck.Ok;
        }

        var leadId = await LeadOrNullAsync(tenant, userId, ct);
        if (leadId is null)
        {
            await NotifyAsync(tenant, payload, "Only a Lead set up in the org file can act on a decision card.", ct);
            return SlackAck.Ok;
        }

        var context = SlackRenderer.ReadContext(payload.View?.PrivateMetadata) ?? new ModalContext { RequestId = requestId };
        try
        {
            switch (action.ActionId)
            {
                case SlackIds.Take:
                    {
                        var estimate = (payload.View?.State ?? payload.State)?.Get(SlackIds.EstimateBlock, SlackIds.EstimateAction);
                        var taken = await _useCases.TakeAsync(tenant, requestId, leadId, string.IsNullOrWhiteSpace(estimate) ? null : estimate.Trim(), ct);
                        await ShowCardAsync(tenant, payload, taken.Card, context, taken.Confirmation, ct);
                        await RefreshHomeAsync(tenant, userId, ct);
                        break;
                    }

                case SlackIds.Done:
                    {
                        var done = await _useCases.MarkDoneAsync(tenant, leadId, requestId, ct);
                        if (payload.View?.Type == "home")
                        {
                            await RefreshHomeAsync(tenant, userId, ct);
                        }
                        else
                        {
                            var current = await _useCases.GetAsync(tenant, requestId, ct);
                            await ShowCardAsync(tenant, payload, current.Card, context, done.Confirmation, ct);
                        }

                        break;
                    }

                case SlackIds.Clarify:
                    {
                        var clarify = await _useCases.ClarifyAsync(tenant, requestId, leadId, null, ct);
                        await PostToRequesterAsync(tenant, clarify.Request, context, clarify.Message, userId, ct);
                        await ShowCardAsync(tenant, payload, clarify.Card, context, "Asking for details in the thread (if I can't post there, I'll DM you the text).", ct);
                        break;
                    }

                case SlackIds.Redirect:
                    {
                        var preview = await _useCases.PreviewRedirectAsync(tenant, requestId, leadId, null, ct);
                        var redirectContext = new ModalContext
                        {
                            RequestId = requestId,
                            Channel = context.Channel ?? preview.Request.Channel,
                            ThreadTs = context.ThreadTs ?? preview.Request.MessageRef,
                            RequesterUserId = context.RequesterUserId,
                            OwnerId = preview.Owner.Id,
                        };
                        var view = SlackRenderer.RedirectModal(preview, redirectContext);
                        if (payload.TriggerId is not null)
                        {
                            var token = await RequireTokenAsync(tenant, ct);
                            if (payload.Container?.Type == "view" || payload.View?.Type == "modal")
                            {
                                await _api.PushViewAsync(token, new ViewsPushRequest { TriggerId = payload.TriggerId, View = view }, ct);
                            }
                            else
                            {
                                await _api.OpenViewAsync(token, new ViewsOpenRequest { TriggerId = payload.TriggerId, View = view }, ct);
                            }
                        }

                        break;
                    }

                case var id when id.StartsWith(SlackIds.TopicPrefix, StringComparison.Ordinal):
                    {
                        var corrected = await _useCases.CorrectTopicAsync(tenant, requestId, leadId, topicId, ct);
                        var topicName = corrected.Card.Topics.Count > 0 ? corrected.Card.Topics[0] : topicId;
                        await ShowCardAsync(tenant, payload, corrected.Card, context, $"Topic set to {topicName}; I'll remember this for similar requests.", ct);
                        break;
                    }

                default:
                    {
                        var result = await _useCases.OverrideAsync(tenant, requestId, leadId, question, answer, ct);
                        await ShowCardAsync(tenant, payload, result.Card, context, $"Answer changed: {result.Card.Headline}", ct);
                        break;
                    }
            }
        }
        catch (TriageUserException ex)
        {
            await NotifyAsync(tenant, payload, ex.Message, ct);
        }

        return SlackAck.Ok;
    }

    private async Task<SlackAck> ViewSubmissionAsync(string tenant, InteractionPayload payload, CancellationToken ct)
    {
        var view = payload.View;
        if (view is null)
        {
            return SlackAck.Client(400, "view_submission without a view.");
        }

        switch (view.CallbackId)
        {
            case SlackIds.TriageModal or SlackIds.InfoModal:
                return SlackAck.Ok;
            case SlackIds.RedirectModal:
                return await SubmitRedirectAsync(tenant, payload, view, ct);
            case SlackIds.SettingsModal:
                return await SubmitSettingsAsync(tenant, payload, view, ct);
            default:
                return SlackAck.Client(400, $"Unknown view '{view.CallbackId}'.");
        }
    }

    private async Task<SlackAck> SubmitRedirectAsync(string tenant, InteractionPayload payload, ViewPayload view, CancellationToken ct)
    {
        var context = SlackRenderer.ReadContext(view.PrivateMetadata);
        if (context is null || context.RequestId == Guid.Empty)
        {
            return SlackAck.Client(400, "The redirect view lost its context.");
        }

        var message = view.State?.Get(SlackIds.RedirectMessageBlock, SlackIds.RedirectMessageAction)?.Trim();
        if (string.IsNullOrEmpty(message))
        {
            return Errors(SlackIds.RedirectMessageBlock, "Write the message for the requester (or press Back).");
        }

        var leadId = await LeadOrNullAsync(tenant, payload.User!.Id!, ct);
        if (leadId is null)
        {
            return Errors(SlackIds.RedirectMessageBlock, "Only a Lead set up in the org file can redirect requests.");
        }

        try
        {
            var result = await _useCases.RedirectAsync(tenant, context.RequestId, leadId, context.OwnerId, message, ct);
            await PostToRequesterAsync(tenant, result.Request, context, result.Message, payload.User!.Id!, ct);
            var updated = SlackRenderer.CardModal(result.Card, context, $"Redirect on its way to the thread, pointing to {result.Owner.Name} (if I can't post there, I'll DM you the text).");
            return SlackAck.WithJson(new JsonObject { ["response_action"] = "update", ["view"] = updated });
        }
        catch (TriageUserException ex)
        {
            return Errors(SlackIds.RedirectMessageBlock, ex.Message);
        }
    }

    private async Task<SlackAck> SubmitSettingsAsync(string tenant, InteractionPayload payload, ViewPayload view, CancellationToken ct)
    {
        var leadId = await LeadOrNullAsync(tenant, payload.User!.Id!, ct);
        if (leadId is null)
        {
            return Errors(SlackIds.BudgetBlock, "Only a Lead set up in the org file has settings.");
        }

        var state = view.State;
        var errors = new JsonObject();
        double? budget = null;
        var budgetText = state?.Get(SlackIds.BudgetBlock, SlackIds.ValueAction)?.Trim();
        if (!string.IsNullOrEmpty(budgetText))
        {
            if (double.TryParse(budgetText, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) && b is >= 0 and <= 60)
            {
                budget = b;
            }
            else
            {
                errors[SlackIds.BudgetBlock] = "Give a number of hours between 0 and 60, e.g. 6 or 7.5.";
            }
        }

        DayOfWeek? day = null;
        var dayText = state?.Get(SlackIds.DayBlock, SlackIds.ValueAction);
        if (!string.IsNullOrEmpty(dayText))
        {
            if (Enum.TryParse<DayOfWeek>(dayText, ignoreCase: true, out var d) && Enum.IsDefined(d))
            {
                day = d;
            }
            else
            {
                errors[SlackIds.DayBlock] = "Pick a day of the week.";
            }
        }

        TimeOnly? time = null;
        var timeText = state?.Get(SlackIds.TimeBlock, SlackIds.ValueAction)?.Trim();
        if (!string.IsNullOrEmpty(timeText))
        {
            if (TimeOnly.TryParseExact(timeText, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                time = t;
            }
            else
            {
                errors[SlackIds.TimeBlock] = "Use 24-hour HH:mm, e.g. 16:00.";
            }
        }

        var tz = state?.Get(SlackIds.TimeZoneBlock, SlackIds.ValueAction)?.Trim();
        if (!string.IsNullOrEmpty(tz) && !TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _))
        {
            errors[SlackIds.TimeZoneBlock] = "Use an IANA timezone such as Europe/Berlin or America/Sao_Paulo.";
        }

        if (errors.Count > 0)
        {
            return SlackAck.WithJson(new JsonObject { ["response_action"] = "errors", ["errors"] = errors });
        }

        try
        {
            await _useCases.UpdateSettingsAsync(tenant, leadId, new SettingsChange(budget, day, time, string.IsNullOrEmpty(tz) ? null : tz), ct);
        }
        catch (TriageUserException ex)
        {
            return Errors(SlackIds.BudgetBlock, ex.Message);
        }

        await RefreshHomeAsync(tenant, payload.User!.Id!, ct);
        return SlackAck.WithJson(new JsonObject { ["response_action"] = "clear" });
    }

    private static SlackAck Errors(string blockId, string message) =>
        SlackAck.WithJson(new JsonObject { ["response_action"] = "errors", ["errors"] = new JsonObject { [blockId] = SlackText.TruncatePlain(message, 2000) } });

    // ---- helpers ----

    private async Task<string?> LeadOrNullAsync(string tenant, string slackUserId, CancellationToken ct)
    {
        var user = await _users.ResolveAsync(tenant, slackUserId, ct);
        return _users.IsLead(user.Person) ? user.Person!.Id : null;
    }

    /// <summary>Shows the updated card where the button was: the modal (views.update now), or the message (chat.update / ephemeral, queued).</summary>
    private async Task ShowCardAsync(string tenant, InteractionPayload payload, DecisionCard card, ModalContext context, string note, CancellationToken ct)
    {
        if (payload.View is { Type: "modal", Id: not null } view)
        {
            var token = await RequireTokenAsync(tenant, ct);
            await _api.UpdateViewAsync(token, new ViewsUpdateRequest { ViewId = view.Id, Hash = view.Hash, View = SlackRenderer.CardModal(card, context, note) }, ct);
            return;
        }

        var (text, blocks) = SlackRenderer.CardMessage(card, note);
        var channel = payload.Container?.ChannelId ?? payload.Channel?.Id;
        if (channel is null)
        {
            return;
        }

        if (payload.Container?.IsEphemeral == true && payload.ResponseUrl is { Length: > 0 } responseUrl)
        {
            // An ephemeral card (a /triage answer) cannot be changed with chat.update: replace it through response_url,
            // which also works where the bot is not a member.
            await _outbox.RespondAsync(tenant, new RespondWork { ResponseUrl = responseUrl, ReplaceOriginal = true, Text = text, Blocks = blocks }, ct);
        }
        else if (payload.Container?.IsEphemeral == true || payload.Container?.MessageTs is null)
        {
            await _outbox.PostAsync(tenant, new PostMessageWork { Channel = channel, User = payload.User!.Id!, Text = text, Blocks = blocks }, null, ct);
        }
        else
        {
            await _outbox.UpdateAsync(tenant, new UpdateMessageWork { Channel = channel, Ts = payload.Container.MessageTs, Text = text, Blocks = blocks }, ct);
        }
    }

    /// <summary>Queues a reply to the requester in the original message's thread, mentioning them; the text is escaped.</summary>
    private async Task PostToRequesterAsync(string tenant, RequestRecord request, ModalContext context, string message, string leadUserId, CancellationToken ct)
    {
        var channel = context.Channel ?? request.Channel;
        if (string.IsNullOrEmpty(channel))
        {
            return;
        }

        var mention = Md.Mention(context.RequesterUserId ?? _users.SlackIdOf(request.RequesterId));
        var text = string.IsNullOrEmpty(mention.Value) ? Md.Text(message) : mention + Md.Trusted(" ") + Md.Text(message);
        await _outbox.PostAsync(tenant, new PostMessageWork
        {
            Channel = channel,
            ThreadTs = context.ThreadTs ?? request.MessageRef,
            Text = SlackText.TruncateMrkdwn(text.Value, BlockLimits.MessageText),
            NotifyOnFailure = leadUserId,
        }, null, ct);
    }

    private async Task NotifyAsync(string tenant, InteractionPayload payload, string message, CancellationToken ct)
    {
        var channel = payload.Container?.ChannelId ?? payload.Channel?.Id;
        if (payload.View is { Type: "modal", Id: not null } view)
        {
            var token = await RequireTokenAsync(tenant, ct);
            await _api.UpdateViewAsync(token, new ViewsUpdateRequest
            {
                ViewId = view.Id, Hash = view.Hash,
                View = SlackRenderer.InfoModal("TriageBot", new BlockBuilder().Section(Md.Trusted(":warning: ") + Md.Text(message))),
            }, ct);
        }
        else if (payload.ResponseUrl is { Length: > 0 } responseUrl)
        {
            await _outbox.RespondAsync(tenant, new RespondWork { ResponseUrl = responseUrl, ReplaceOriginal = false, Text = SlackText.Escape(message) }, ct);
        }
        else if (channel is not null)
        {
            await _outbox.PostAsync(tenant, new PostMessageWork { Channel = channel, User = payload.User!.Id!, Text = SlackText.Escape(message) }, null, ct);
        }
    }

    private async Task RefreshHomeAsync(string tenant, string userId, CancellationToken ct)
    {
        try
        {
            await _outbox.PublishHomeAsync(tenant, userId, null, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogWarning(ex, "Could not queue an App Home refresh");
        }
    }

    private async Task OpenViewAsync(string tenant, string triggerId, JsonObject view, CancellationToken ct)
    {
        var token = await RequireTokenAsync(tenant, ct);
        await _api.OpenViewAsync(token, new ViewsOpenRequest { TriggerId = triggerId, View = view }, ct);
    }

    private async Task<string> RequireTokenAsync(string tenant, CancellationToken ct) =>
        await _tokens.GetBotTokenAsync(tenant, ct) ?? throw new SlackApiException("(token)", "not_installed");

    private async Task<SlackAck> GuardAsync(Func<Task<SlackAck>> handler, bool ephemeral, Func<string, Task<bool>>? notify = null)
    {
        try
        {
            return await handler();
        }
        catch (TriageUserException ex)
        {
            return await AnswerAsync(ex.Message, SlackRenderer.Help(ex.Message));
        }
        catch (SlackPayloadException ex)
        {
            return SlackAck.Client(400, ex.Message);
        }
        catch (SlackApiException ex)
        {
            _log.LogWarning(ex, "A Slack Web API call made while answering failed: {Error}", ex.Error);
            return await AnswerAsync("Slack didn't accept my answer in time. Please try again.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogError(ex, "Handling a Slack request failed");
            return await AnswerAsync("Something went wrong on my side. Please try again in a minute.");
        }

        async Task<SlackAck> AnswerAsync(string message, BlockBuilder? blocks = null)
        {
            if (ephemeral)
            {
                return Reply(message, blocks);
            }

            if (notify is not null)
            {
                try
                {
                    await notify(message);
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
