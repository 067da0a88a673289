using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>
/// Turns authenticated activities into use-case calls and renders the answers. No decision logic lives here:
/// everything goes through <see cref="ITriageUseCases"/>.
/// </summary>
public sealed class TeamsBot
{
    /// <summary>Invoke answers must reach Teams within 5 s; leave room for the network.</summary>
    internal static readonly TimeSpan InvokeBudget = TimeSpan.FromSeconds(4.5);

    internal const string HelpText =
        "Here is what I can do:\n" +
        "- Send me a request (or @mention me with it) and I'll suggest take, teach or redirect, with the reasons.\n" +
        "- On any message: ... > Triage this request.\n" +
        "- who <text>: who should someone ask about it\n" +
        "- log <duration> [note]: log help time (30m, 1h15m, 1.5h) on your latest taken request\n" +
        "- done: mark your latest taken request done\n" +
        "- digest: your help digest for this week\n" +
        "- budget <hours>: set your weekly help budget\n" +
        "- settings: budget, digest day and time, timezone\n" +
        "- help: this list";

    internal const string Greeting =
        "Hi, I'm TriageBot: I help Technical Leads decide which help requests to take, teach or redirect, and to whom.\n" +
        "Send me a request here, @mention me with one, or use ... > Triage this request on any message; I answer with a decision card and its reasons.\n" +
        "Each week I send you a digest of the time you spent helping. Type help for the commands.";

    private static readonly HashSet<string> Commands = new(StringComparer.OrdinalIgnoreCase)
    {
        "who", "log", "done", "digest", "budget", "settings", "help",
    };

    private readonly IServiceProvider _services;
    private readonly ConnectorClient _connector;
    private readonly UserMapper _users;
    private readonly TimeProvider _time;
    private readonly ILogger<TeamsBot> _logger;

    public TeamsBot(IServiceProvider services, ConnectorClient connector, UserMapper users, TimeProvider time, ILogger<TeamsBot> logger)
    {
        _services = services;
        _connector = connector;
        _users = users;
        _time = time;
        _logger = logger;
    }

    private ITriageUseCases UseCases => _services.GetRequiredService<ITriageUseCases>();

    private IConversationReferenceStore References => _services.GetRequiredService<IConversationReferenceStore>();

    private IWorkQueue Queue => _services.GetRequiredService<IWorkQueue>();

    /// <summary>The tenant key of an activity: <c>teams:{tenantId}</c>.</summary>
    public static string TenantKey(Activity activity) => "teams:" + (activity?.TenantId ?? "unknown");

    /// <summary>Handles an authenticated activity.</summary>
    public async Task<BotResponse> HandleAsync(Activity activity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(activity);
        switch (activity.Type)
        {
            case ActivityTypes.Message:
                await OnMessageAsync(activity, ct).ConfigureAwait(false);
                return BotResponse.Ok;
            case ActivityTypes.Invoke:
                return await OnInvokeAsync(activity, ct).ConfigureAwait(false);
            case ActivityTypes.ConversationUpdate:
                await OnConversationUpdateAsync(activity, ct).ConfigureAwait(false);
                return BotResponse.Ok;
            case ActivityTypes.InstallationUpdate:
                await OnInstallationUpdateAsync(activity, ct).ConfigureAwait(false);
                return BotResponse.Ok;
            default:
                _logger.LogDebug("Ignoring activity of type {ActivityType}", activity.Type);
                return BotResponse.Ok;
        }
    }

    // ---------------------------------------------------------------- messages

    private async Task OnMessageAsync(Activity activity, CancellationToken ct)
    {
        var tenant = TenantKey(activity);
        if (string.IsNullOrEmpty(activity.Id))
        {
            await HandleMessageAsync(activity, tenant, ct).ConfigureAwait(false);
            return;
        }

        if (!await OnceAsync(tenant, "msg:" + activity.Conversation!.Id + ":" + activity.Id, () => HandleMessageAsync(activity, tenant, ct), ct).ConfigureAwait(false))
        {
            _logger.LogInformation("Duplicate Teams message {ActivityId} ignored", activity.Id);
        }
    }

    /// <summary>How long a claim on an activity blocks redeliveries of it.</summary>
    internal static readonly TimeSpan ActivityClaimLease = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="work"/> once per <paramref name="key"/> across deliveries and replicas: claimed first, completed
    /// after the work, released if it throws so a redelivery does it (a claim whose process died expires with its lease).
    /// False when another delivery has it (done or in progress).
    /// </summary>
    private async Task<bool> OnceAsync(string tenant, string key, Func<Task> work, CancellationToken ct)
    {
        var dedup = _services.GetService<IEventDeduplicator>();
        if (dedup is null)
        {
            await work().ConfigureAwait(false);
            return true;
        }

        var once = new EventOnce(dedup, _time, ActivityClaimLease,
            (claimKey, ex) => _logger.LogWarning(ex, "Could not settle the claim {Key}; its lease decides", claimKey));
        var outcome = await once.RunAsync(tenant, key, handle =>
        {
            // The commands below mark the claim once an effect that must not be repeated has committed.
            CurrentClaim.Value = handle;
            return work();
        }, ct).ConfigureAwait(false);
        return outcome == EventClaim.Claimed;
    }

    /// <summary>Called after a use case whose effect must not be repeated has committed (see <see cref="OnceAsync"/>).</summary>
    private static void EffectsCommitted() => CurrentClaim.Value?.EffectsCommitted();

    private static readonly AsyncLocal<EventOnce.Handle?> CurrentClaim = new();

    private async Task HandleMessageAsync(Activity activity, string tenant, CancellationToken ct)
    {
        var lead = await _users.MapSenderAsync(activity, ct).ConfigureAwait(false);
        if (IsPersonal(activity))
        {
            await SaveReferenceAsync(activity, lead, onlyIfMissing: true, ct).ConfigureAwait(false);
        }

        // Action.Submit (fallback of Action.Execute) arrives as a message with the card's data in value and no text.
        if (activity.Value is { ValueKind: JsonValueKind.Object } value && string.IsNullOrWhiteSpace(ActivityText.StripBotMention(activity)))
        {
            await OnSubmitAsync(activity, tenant, lead, JsonNode.Parse(value.GetRawText())!.AsObject(), ct).ConfigureAwait(false);
            return;
        }

        var text = ActivityText.StripBotMention(activity);
        try
        {
            await RunCommandAsync(activity, tenant, lead, text, ct).ConfigureAwait(false);
        }
        catch (TriageUserException ex)
        {
            await ReplyAsync(activity, ex.Message, null, ct).ConfigureAwait(false);
        }
    }

    private async Task RunCommandAsync(Activity activity, string tenant, Person? lead, string text, CancellationToken ct)
    {
        var line = ChatCommandLine.Parse(text);
        var (word, rest) = (line.Verb, line.Rest);

        if (!Commands.Contains(word))
        {
            // A single unknown word ("hi", "?") is not a request: answer with help rather than silence.
            if (line.IsSingleWord)
            {
                await ReplyAsync(activity, HelpText, null, ct).ConfigureAwait(false);
                return;
            }

            await TriageTextAsync(activity, tenant, lead, text, ct).ConfigureAwait(false);
            return;
        }

        var leadId = lead?.Id ?? activity.From?.AadObjectId ?? activity.From?.Id ?? "unknown";
        switch (word)
        {
            case "help":
                await ReplyAsync(activity, HelpText, null, ct).ConfigureAwait(false);
                break;
            case "who":
                {
                    if (rest.Length == 0)
                    {
                        throw new TriageUserException("Tell me what it is about, e.g. \"who can help with a diff-in-diff design?\"");
                    }

                    var requesterId = lead?.Id ?? activity.From?.AadObjectId ?? activity.From?.Id ?? "unknown";
                    var who = await UseCases.WhoAsync(tenant, requesterId, rest, ct).ConfigureAwait(false);
                    await ReplyAsync(activity, FormatWho(who), null, ct).ConfigureAwait(false);
                    break;
                }

            case "log":
                {
                    if (line.LogArguments() is not { } log)
                    {
                        throw new TriageUserException("Say how long, e.g. \"log 45m pairing on the uplift model\".");
                    }

                    var result = await UseCases.LogTimeAsync(tenant, leadId, log.Duration, null, log.Note, null, ct).ConfigureAwait(false);
                    EffectsCommitted();
                    await ReplyAsync(activity, result.Confirmation, null, ct).ConfigureAwait(false);
                    break;
                }

            case "done":
                {
                    var result = await UseCases.MarkDoneAsync(tenant, leadId, null, ct).ConfigureAwait(false);
                    EffectsCommitted();
                    await ReplyAsync(activity, result.Confirmation, null, ct).ConfigureAwait(false);
                    break;
                }

            case "budget":
                {
                    if (line.BudgetHours() is not { } hours)
                    {
                        throw new TriageUserException("Say the weekly hours, e.g. \"budget 6\".");
                    }

                    var settings = await UseCases.UpdateSettingsAsync(tenant, leadId, new SettingsChange(BudgetHours: hours), ct).ConfigureAwait(false);
                    await ReplyAsync(activity, string.Create(CultureInfo.InvariantCulture, $"Your weekly help budget is now {settings.BudgetHours:0.#} h."), null, ct).ConfigureAwait(false);
                    break;
                }

            case "settings":
                {
                    var settings = await UseCases.GetSettingsAsync(tenant, leadId, ct).ConfigureAwait(false);
                    await ReplyAsync(activity, null, AdaptiveCards.Settings(settings), ct).ConfigureAwait(false);
                    break;
                }

            case "digest":
                {
                    // Make sure the Lead is known before queueing (a friendly error now beats a dead work item later).
                    _ = await UseCases.GetSettingsAsync(tenant, leadId, ct).ConfigureAwait(false);
                    var work = new DigestWork
                    {
                        ServiceUrl = activity.ServiceUrl!,
                        ConversationId = activity.Conversation!.Id!,
                        ReplyToId = activity.Id,
                        LeadId = leadId,
                        IsoWeek = rest.Length > 0 ? rest : null,
                    };
                    await EnqueueAsync(tenant, TeamsWorkKinds.Digest, JsonSerializer.Serialize(work, TeamsWorkJsonContext.Default.DigestWork), "digest:" + activity.Id, ct).ConfigureAwait(false);
                    break;
                }

            default:
                await ReplyAsync(activity, HelpText, null, ct).ConfigureAwait(false);
                break;
        }
    }

    private async Task TriageTextAsync(Activity activity, string tenant, Person? lead, string text, CancellationToken ct)
    {
        if (lead is not { IsLead: true })
        {
            // Someone who is not a Lead (or not in the org file) asking the bot: who to ask, as in Slack.
            var asker = lead?.Id ?? activity.From?.AadObjectId ?? activity.From?.Id ?? "unknown";
            var who = await UseCases.WhoAsync(tenant, asker, text, ct).ConfigureAwait(false);
            await ReplyAsync(activity, Messages.NotALeadWhoToAsk + "\n\n" + FormatWho(who), null, ct).ConfigureAwait(false);
            return;
        }

        var leadId = lead.Id;
        var request = new IncomingRequest(
            tenant,
            Platform.Teams,
            ActivityText.BaseConversationId(activity.Conversation!.Id!),
            activity.Id,
            null,
            leadId,
            lead?.Name ?? activity.From?.Name ?? "someone",
            leadId,
            text)
        {
            // A redelivery of this message (after a failed reply) returns the request stored the first time.
            IdempotencyKey = activity.Id is { Length: > 0 } id ? "msg:" + activity.Conversation!.Id + ":" + id : null,
        };
        var result = await UseCases.TriageAsync(request, ct).ConfigureAwait(false);
        await ReplyAsync(activity, null, AdaptiveCards.Decision(result.Card, CardSurface.Conversation), ct).ConfigureAwait(false);
    }

    private async Task OnSubmitAsync(Activity activity, string tenant, Person? lead, JsonObject data, CancellationToken ct)
    {
        try
        {
            var outcome = await RunVerbAsync(activity, tenant, lead, data, CardSurface.Conversation, ct).ConfigureAwait(false);
            var card = outcome.Render(CardSurface.Conversation);
            if (!string.IsNullOrEmpty(activity.ReplyToId))
            {
                // Update the card the button was on, as Action.Execute would have.
                var update = NewMessage(activity, null, card);
                update.Id = activity.ReplyToId;
                await _connector.UpdateAsync(activity.ServiceUrl!, activity.Conversation!.Id!, activity.ReplyToId, update, ct).ConfigureAwait(false);
            }
            else
            {
                await ReplyAsync(activity, null, card, ct).ConfigureAwait(false);
            }
        }
        catch (TriageUserException ex)
        {
            await ReplyAsync(activity, ex.Message, null, ct).ConfigureAwait(false);
        }
    }

    // ---------------------------------------------------------------- invokes

    private async Task<BotResponse> OnInvokeAsync(Activity activity, CancellationToken ct)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(InvokeBudget);
        var tenant = TenantKey(activity);
        try
        {
            return activity.Name switch
            {
                "composeExtension/fetchTask" => await OnFetchTaskAsync(activity, tenant, budget.Token).ConfigureAwait(false),
                "composeExtension/submitAction" => await OnSubmitActionAsync(activity, tenant, budget.Token).ConfigureAwait(false),
                "adaptiveCard/action" => await OnAdaptiveCardActionAsync(activity, tenant, budget.Token).ConfigureAwait(false),
                _ => BotResponse.Invoke(new JsonObject()),
            };
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            _logger.LogWarning("Invoke {InvokeName} ran out of its 5 s budget", activity.Name);
            return InvokeError(activity.Name, "That took too long; please try again in a moment.");
        }
    }

    private async Task<BotResponse> OnFetchTaskAsync(Activity activity, string tenant, CancellationToken ct)
    {
        var value = activity.Value ?? default;
        var payload = value.Get("messagePayload");
        if (payload is not { ValueKind: JsonValueKind.Object } message)
        {
            return TaskMessage("Use \"Triage this request\" from the ... menu of a message.");
        }

        var body = message.Get("body");
        var content = body?.GetString("content") ?? string.Empty;
        var contentType = body?.GetString("contentType");
        var text = string.Equals(contentType, "text", StringComparison.OrdinalIgnoreCase) ? content.Trim() : HtmlText.ToPlain(content);
        if (text.Length == 0)
        {
            return TaskMessage("That message has no text I can triage.");
        }

        var fromUser = message.Get("from")?.Get("user");
        var requesterAad = fromUser?.GetString("aadObjectId") ?? fromUser?.GetString("id");
        var requesterName = fromUser?.GetString("displayName") ?? "someone";
        var requester = _users.MapLocal(requesterAad, null);
        var lead = await _users.MapSenderAsync(activity, ct).ConfigureAwait(false);
        if (lead is not { IsLead: true })
        {
            // Not a Lead: who to ask instead of a decision, as in Slack.
            var asker = lead?.Id ?? activity.From?.AadObjectId ?? activity.From?.Id ?? "unknown";
            try
            {
                var who = await UseCases.WhoAsync(tenant, asker, text, ct).ConfigureAwait(false);
                return TaskMessage(Messages.NotALeadWhoToAsk + "\n\n" + FormatWho(who));
            }
            catch (TriageUserException ex)
            {
                return TaskMessage(ex.Message);
            }
        }

        var leadId = lead.Id;

        // Thread replies go to the root of the thread the message is in.
        var rootId = message.GetString("replyToId") is { Length: > 0 } parent ? parent : message.GetString("id");
        var request = new IncomingRequest(
            tenant,
            Platform.Teams,
            ActivityText.BaseConversationId(activity.Conversation!.Id!),
            rootId,
            message.GetString("linkToMessage"),
            requester?.Id ?? requesterAad ?? "unknown",
            requester?.Name ?? requesterName,
            leadId,
            text);

        try
        {
            var result = await UseCases.TriageAsync(request, ct).ConfigureAwait(false);
            return TaskCard(result.Card, null);
        }
        catch (TriageUserException ex)
        {
            return TaskMessage(ex.Message);
        }
    }

    private async Task<BotResponse> OnSubmitActionAsync(Activity activity, string tenant, CancellationToken ct)
    {
        var data = (activity.Value ?? default).Get("data");
        if (data is not { ValueKind: JsonValueKind.Object } dataObject)
        {
            return BotResponse.Invoke(new JsonObject());
        }

        var lead = await _users.MapSenderAsync(activity, ct).ConfigureAwait(false);
        try
        {
            var outcome = await RunVerbAsync(activity, tenant, lead, JsonNode.Parse(dataObject.GetRawText())!.AsObject(), CardSurface.TaskModule, ct).ConfigureAwait(false);
            if (outcome.Card is not null)
            {
                return TaskCard(outcome.Card, outcome.Notice);
            }

            return BotResponse.Invoke(TaskContinue(outcome.Render(CardSurface.TaskModule)));
        }
        catch (TriageUserException ex)
        {
            return TaskMessage(ex.Message);
        }
    }

    private async Task<BotResponse> OnAdaptiveCardActionAsync(Activity activity, string tenant, CancellationToken ct)
    {
        var action = (activity.Value ?? default).Get("action");
        var verb = action?.GetString("verb");
        if (action is null || string.IsNullOrEmpty(verb))
        {
            return AdaptiveCardError(400, "BadRequest", "The card action has no verb.");
        }

        var data = action.Value.Get("data") is { ValueKind: JsonValueKind.Object } d ? JsonNode.Parse(d.GetRawText())!.AsObject() : [];
        data["verb"] = verb;
        var lead = await _users.MapSenderAsync(activity, ct).ConfigureAwait(false);
        try
        {
            var outcome = await RunVerbAsync(activity, tenant, lead, data, CardSurface.Conversation, ct).ConfigureAwait(false);
            return BotResponse.Invoke(new JsonObject
            {
                ["statusCode"] = 200,
                ["type"] = Attachment.AdaptiveCardContentType,
                ["value"] = outcome.Render(CardSurface.Conversation),
            });
        }
        catch (TriageUserException ex)
        {
            return AdaptiveCardError(400, "BadRequest", ex.Message);
        }
    }

    /// <summary>Runs a card verb (Action.Execute, Action.Submit in a chat, or a task module submit) through the use cases.</summary>
    private async Task<VerbOutcome> RunVerbAsync(Activity activity, string tenant, Person? lead, JsonObject data, CardSurface surface, CancellationToken ct)
    {
        var verb = Str(data, "verb") ?? string.Empty;
        var leadId = lead?.Id ?? activity.From?.AadObjectId ?? activity.From?.Id ?? "unknown";
        var useCases = UseCases;

        if (string.Equals(verb, Verbs.Settings, StringComparison.Ordinal))
        {
            var change = ParseSettings(data);
            var settings = await useCases.UpdateSettingsAsync(tenant, leadId, change, ct).ConfigureAwait(false);
            return new VerbOutcome(null, null, AdaptiveCards.Settings(settings, surface, "Saved."));
        }

        if (!Guid.TryParse(Str(data, "requestId"), out var requestId))
        {
            throw new TriageUserException("That card is missing its request; triage the message again.");
        }

        switch (verb)
        {
            case Verbs.Take:
                {
                    var result = await useCases.TakeAsync(tenant, requestId, leadId, Str(data, "estimate"), ct).ConfigureAwait(false);
                    return new VerbOutcome(result.Card, result.Confirmation, null);
                }

            case Verbs.Redirect:
                {
                    var result = await useCases.RedirectAsync(tenant, requestId, leadId, Str(data, "ownerId"), Str(data, "message"), ct).ConfigureAwait(false);
                    var notice = await DeliverToRequesterAsync(activity, tenant, result.Request, result.Message, ct).ConfigureAwait(false);
                    return new VerbOutcome(result.Card, notice, null);
                }

            case Verbs.Clarify:
                {
                    var result = await useCases.ClarifyAsync(tenant, requestId, leadId, Str(data, "message"), ct).ConfigureAwait(false);
                    var notice = await DeliverToRequesterAsync(activity, tenant, result.Request, result.Message, ct).ConfigureAwait(false);
                    return new VerbOutcome(result.Card, notice, null);
                }

            case Verbs.Override:
                {
                    if (!Enum.TryParse<Question>(Str(data, "question"), ignoreCase: true, out var question)
                        || !Enum.TryParse<AnswerValue>(Str(data, "value"), ignoreCase: true, out var answer))
                    {
                        throw new TriageUserException("That override is not valid; open the card again.");
                    }

                    var result = await useCases.OverrideAsync(tenant, requestId, leadId, question, answer, ct).ConfigureAwait(false);
                    var line = result.Card.Answers.FirstOrDefault(a => a.Question == question);
                    return new VerbOutcome(result.Card, line is null ? "Updated." : $"Updated: {line.Label} {line.ValueText}. Decision recomputed.", null);
                }

            case Verbs.CorrectTopic:
                {
                    var topic = Str(data, "topic");
                    if (string.IsNullOrWhiteSpace(topic))
                    {
                        throw new TriageUserException("Pick a topic from the list first.");
                    }

                    var result = await useCases.CorrectTopicAsync(tenant, requestId, leadId, topic, ct).ConfigureAwait(false);
                    var name = result.Card.Topics.Count > 0 ? result.Card.Topics[0] : topic;
                    return new VerbOutcome(result.Card, $"Topic set to {name}; I'll remember this for similar requests.", null);
                }

            case Verbs.Done:
                {
                    var done = await useCases.MarkDoneAsync(tenant, leadId, requestId, ct).ConfigureAwait(false);
                    var current = await useCases.GetAsync(tenant, requestId, ct).ConfigureAwait(false);
                    return new VerbOutcome(current.Card, done.Confirmation, null);
                }

            case Verbs.Log:
                {
                    var duration = Str(data, "duration");
                    if (string.IsNullOrWhiteSpace(duration))
                    {
                        throw new TriageUserException("Say how long, e.g. 30m or 1h15m.");
                    }

                    var logged = await useCases.LogTimeAsync(tenant, leadId, duration, requestId, Str(data, "note"), null, ct).ConfigureAwait(false);
                    var current = await useCases.GetAsync(tenant, requestId, ct).ConfigureAwait(false);
                    return new VerbOutcome(current.Card, logged.Confirmation, null);
                }

            default:
                throw new TriageUserException("That button is no longer supported; triage the message again.");
        }
    }

    /// <summary>
    /// Gets a message to the requester: a thread reply in the channel where the request was posted when Teams allows it
    /// (queued, durable), otherwise the text for the Lead to paste.
    /// </summary>
    private async Task<string> DeliverToRequesterAsync(Activity activity, string tenant, RequestRecord request, string message, CancellationToken ct)
    {
        var conversation = activity.Conversation!;
        var inChannel = string.Equals(conversation.ConversationType, "channel", StringComparison.OrdinalIgnoreCase);
        var baseId = ActivityText.BaseConversationId(conversation.Id!);
        if (inChannel && !string.IsNullOrEmpty(request.MessageRef) && string.Equals(baseId, request.Channel, StringComparison.Ordinal))
        {
            var work = new SendWork { ServiceUrl = activity.ServiceUrl!, ConversationId = baseId, ReplyToId = request.MessageRef, Text = message };
            await EnqueueAsync(tenant, TeamsWorkKinds.Send, JsonSerializer.Serialize(work, TeamsWorkJsonContext.Default.SendWork), $"thread:{request.Id}:{request.Status}", ct).ConfigureAwait(false);
            return "Posted in the thread:\n" + message;
        }

        return $"Copy this to {request.RequesterName}:\n" + message;
    }

    // ---------------------------------------------------------------- install

    private async Task OnConversationUpdateAsync(Activity activity, CancellationToken ct)
    {
        var botId = activity.Recipient?.Id;
        if (botId is null || activity.MembersAdded?.Any(m => string.Equals(m?.Id, botId, StringComparison.Ordinal)) != true)
        {
            return;
        }

        await InstalledAsync(activity, ct).ConfigureAwait(false);
    }

    private async Task OnInstallationUpdateAsync(Activity activity, CancellationToken ct)
    {
        var action = activity.Action ?? string.Empty;
        if (action.StartsWith("add", StringComparison.OrdinalIgnoreCase))
        {
            await InstalledAsync(activity, ct).ConfigureAwait(false);
        }
        else if (action.StartsWith("remove", StringComparison.OrdinalIgnoreCase)
            && string.Equals(activity.Conversation?.ConversationType, "personal", StringComparison.OrdinalIgnoreCase))
        {
            // Only removing the personal app ends the 1:1 chat the digest uses; removing the app from a team or a
            // group chat (whoever did it) leaves that person's own chat with the bot working.
            var userKey = activity.From?.AadObjectId ?? activity.From?.Id;
            if (!string.IsNullOrEmpty(userKey))
            {
                await References.MarkBlockedAsync(TenantKey(activity), userKey, _time.GetUtcNow(), ct).ConfigureAwait(false);
                _logger.LogInformation("Teams app removed by a user; proactive messages to them stop");
            }
        }
    }

    private async Task InstalledAsync(Activity activity, CancellationToken ct)
    {
        var lead = await _users.MapSenderAsync(activity, ct).ConfigureAwait(false);
        await SaveReferenceAsync(activity, lead, onlyIfMissing: false, ct).ConfigureAwait(false);

        // The digest scheduler finds tenants through their installations.
        var installations = _services.GetService<IInstallationStore>();
        var tenantKey = TenantKey(activity);
        if (installations is not null && await installations.GetAsync(tenantKey, ct).ConfigureAwait(false) is null)
        {
            await installations.SaveAsync(new Installation(tenantKey, Platform.Teams, activity.Recipient?.Id, null, activity.From?.AadObjectId ?? activity.From?.Id, _time.GetUtcNow(), null), ct).ConfigureAwait(false);
        }

        // Teams sends both conversationUpdate and installationUpdate on install: greet once per conversation.
        var tenant = TenantKey(activity);
        var key = "greet:" + ActivityText.BaseConversationId(activity.Conversation!.Id!);
        await OnceAsync(tenant, key, () => SendGreetingAsync(activity, key, ct), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the greeting; when the connector cannot be reached or fails for now, the greeting goes to the durable queue
    /// (retried there) instead of failing the install activity.
    /// </summary>
    private async Task SendGreetingAsync(Activity activity, string dedupKey, CancellationToken ct)
    {
        var conversationId = activity.Conversation!.Id!;
        try
        {
            await _connector.SendAsync(activity.ServiceUrl!, conversationId, NewMessage(activity, Greeting, null), MaxInlineReplyWait, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransientSendFailure(ex) || IsReplyForQueue(ex, ct))
        {
            _logger.LogWarning(ex, "Greeting not sent now; queueing it");
            var work = new SendWork { ServiceUrl = activity.ServiceUrl!, ConversationId = conversationId, Text = Greeting };
            await EnqueueAsync(TenantKey(activity), TeamsWorkKinds.Send, JsonSerializer.Serialize(work, TeamsWorkJsonContext.Default.SendWork), dedupKey, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A send that may work later: network failure, client timeout, throttling or a server error.</summary>
    private static bool IsTransientSendFailure(Exception ex) => ex switch
    {
        HttpRequestException or TaskCanceledException => true,
        ConnectorException c => !c.IsBlocked && ((int)c.Status >= 500 || c.Status is System.Net.HttpStatusCode.TooManyRequests or System.Net.HttpStatusCode.RequestTimeout or System.Net.HttpStatusCode.PreconditionFailed),
        _ => false,
    };

    private async Task SaveReferenceAsync(Activity activity, Person? person, bool onlyIfMissing, CancellationToken ct)
    {
        var user = activity.From;
        var userKey = user?.AadObjectId ?? user?.Id;
        if (user is null || string.IsNullOrEmpty(userKey))
        {
            return;
        }

        var tenant = TenantKey(activity);
        var store = References;
        if (onlyIfMissing && await store.GetAsync(tenant, userKey, ct).ConfigureAwait(false) is { Blocked: false } existing
            && IsPersonalReference(existing.ReferenceJson))
        {
            // Already reachable in a 1:1 chat: no write per message.
            return;
        }

        var reference = new StoredConversationReference
        {
            ServiceUrl = activity.ServiceUrl,
            ChannelId = activity.ChannelId,
            Conversation = new ConversationAccount
            {
                Id = activity.Conversation?.Id,
                ConversationType = activity.Conversation?.ConversationType,
                TenantId = activity.TenantId,
            },
            User = new ChannelAccount { Id = user.Id, Name = user.Name, AadObjectId = user.AadObjectId },
            Bot = new ChannelAccount { Id = activity.Recipient?.Id, Name = activity.Recipient?.Name },
        };
        var json = JsonSerializer.Serialize(reference, TeamsJsonContext.Default.StoredConversationReference);
        await store.SaveAsync(new ConversationReference(tenant, userKey, person?.Id, json, false, _time.GetUtcNow()), ct).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// Replies now when the conversation's pacing allows it soon enough; otherwise, or when the connector fails, times out
    /// or the bot is stopping, the reply goes to the durable queue (see <see cref="IsReplyForQueue"/>).
    /// </summary>
    private async Task ReplyAsync(Activity activity, string? text, JsonObject? card, CancellationToken ct)
    {
        var reply = NewMessage(activity, text, card);
        var conversationId = activity.Conversation!.Id!;
        var maxWait = MaxInlineReplyWait;
        try
        {
            if (!string.IsNullOrEmpty(activity.Id))
            {
                await _connector.ReplyAsync(activity.ServiceUrl!, conversationId, activity.Id, reply, maxWait, ct).ConfigureAwait(false);
            }
            else
            {
                await _connector.SendAsync(activity.ServiceUrl!, conversationId, reply, maxWait, ct).ConfigureAwait(false);
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
            await Queue.EnqueueAsync(new WorkItem(Guid.CreateVersion7(now), TenantKey(activity), TeamsWorkKinds.Send, JsonSerializer.Serialize(work, TeamsWorkJsonContext.Default.SendWork), 0, due, now, dedupKey), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>How long the conversation's pacing may hold a reply inside the request (<see cref="TeamsOptions.MaxInlineReplyWait"/>).</summary>
    private TimeSpan MaxInlineReplyWait =>
        _services.GetService<Microsoft.Extensions.Options.IOptions<TeamsOptions>>()?.Value.MaxInlineReplyWait ?? TimeSpan.FromSeconds(2);

    /// <summary>
    /// A reply that was not sent but may be later: held back by pacing, a network failure or client timeout, a connector
    /// error other than a block, or the bot stopping (<paramref name="ct"/> is the application's, not the request's).
    /// </summary>
    private static bool IsReplyForQueue(Exception ex, CancellationToken ct) =>
        ex is HttpRequestException or TimeoutException or ConnectorException { IsBlocked: false }
        || (ex is OperationCanceledException && (ct.IsCancellationRequested || ex is TaskCanceledException { InnerException: TimeoutException }));

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

    /// <summary>Longest display name echoed back in a reply.</summary>
    internal const int MaxEchoedNameLength = 256;

    private static string? Shorten(string? name) => name is { Length: > MaxEchoedNameLength } ? name[..MaxEchoedNameLength] : name;

    private async Task EnqueueAsync(string tenant, string kind, string payload, string? dedupKey, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        await Queue.EnqueueAsync(new WorkItem(Guid.CreateVersion7(now), tenant, kind, payload, 0, now, now, dedupKey), ct).ConfigureAwait(false);
    }

    private static BotResponse TaskCard(DecisionCard card, string? notice)
    {
        // Message-extension cards must stay under 28 KB: fall back to the compact rendering, then to a message.
        var full = AdaptiveCards.Decision(card, CardSurface.TaskModule, notice);
        if (AdaptiveCards.MeasureBytes(full) > TeamsLimits.MaxMessageExtensionCardBytes)
        {
            full = AdaptiveCards.Decision(card, CardSurface.TaskModule, notice, compact: true);
            if (AdaptiveCards.MeasureBytes(full) > TeamsLimits.MaxMessageExtensionCardBytes)
            {
                return TaskMessage(card.Headline + ": " + card.Summary);
            }
        }

        return BotResponse.Invoke(TaskContinue(full));
    }

    private static JsonObject TaskContinue(JsonObject card) => new()
    {
        ["task"] = new JsonObject
        {
            ["type"] = "continue",
            ["value"] = new JsonObject
            {
                ["title"] = "TriageBot",
                ["height"] = "large",
                ["width"] = "medium",
                ["card"] = new JsonObject
                {
                    ["contentType"] = Attachment.AdaptiveCardContentType,
                    ["content"] = card,
                },
            },
        },
    };

    private static BotResponse TaskMessage(string text) =>
        BotResponse.Invoke(new JsonObject { ["task"] = new JsonObject { ["type"] = "message", ["value"] = text } });

    private static BotResponse AdaptiveCardError(int status, string code, string message) => BotResponse.Invoke(new JsonObject
    {
        ["statusCode"] = status,
        ["type"] = "application/vnd.microsoft.error",
        ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
    });

    private static BotResponse InvokeError(string? name, string message) =>
        string.Equals(name, "adaptiveCard/action", StringComparison.Ordinal)
            ? AdaptiveCardError(500, "Timeout", message)
            : TaskMessage(message);

    private static bool IsPersonalReference(string json)
    {
        try
        {
            var reference = JsonSerializer.Deserialize(json, TeamsJsonContext.Default.StoredConversationReference);
            return string.Equals(reference?.Conversation?.ConversationType, "personal", StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsPersonal(Activity activity) =>
        string.Equals(activity.Conversation?.ConversationType, "personal", StringComparison.OrdinalIgnoreCase);

    private static string? Str(JsonObject data, string name) => data[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    private static SettingsChange ParseSettings(JsonObject data)
    {
        double? budget = null;
        if (Str(data, "budgetHours") is { Length: > 0 } b)
        {
            if (!double.TryParse(b.Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                throw new TriageUserException("The budget must be a number of hours between 0 and 60.");
            }

            budget = parsed;
        }

        DayOfWeek? day = null;
        if (Str(data, "digestDay") is { Length: > 0 } d)
        {
            if (!Enum.TryParse<DayOfWeek>(d, ignoreCase: true, out var parsed))
            {
                throw new TriageUserException("Pick a digest day from Monday to Sunday.");
            }

            day = parsed;
        }

        TimeOnly? time = null;
        if (Str(data, "digestTime") is { Length: > 0 } t)
        {
            if (!TimeOnly.TryParse(t, CultureInfo.InvariantCulture, out var parsed))
            {
                throw new TriageUserException("The digest time must look like 16:00.");
            }

            time = parsed;
        }

        var zone = Str(data, "timeZone");
        return new SettingsChange(budget, day, time, string.IsNullOrWhiteSpace(zone) ? null : zone.Trim());
    }

    private static string FormatWho(WhoResult who)
    {
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

    /// <summary>The result of a card verb: the updated decision card with a notice, or another card (settings).</summary>
    private sealed record VerbOutcome(DecisionCard? Card, string? Notice, JsonObject? Other)
    {
        public JsonObject Render(CardSurface surface) =>
            Card is not null ? AdaptiveCards.Decision(Card, surface, Notice) : Other ?? AdaptiveCards.Message(Notice ?? "Done.");
    }
}
