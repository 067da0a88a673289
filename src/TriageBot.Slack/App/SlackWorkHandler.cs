using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Engine.UseCases;
using TriageBot.Slack.Api;
using TriageBot.Slack.BlockKit;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

/// <summary>Runs the adapter's queued work (kinds <c>slack.*</c>): the Web API calls made after the ack.</summary>
public sealed class SlackWorkHandler : IWorkHandler
{
    private readonly SlackApiClient _api;
    private readonly SlackTokenProvider _tokens;
    private readonly IServiceProvider _services;
    private readonly ILogger<SlackWorkHandler> _log;

    /// <summary>Creates the handler.</summary>
    public SlackWorkHandler(SlackApiClient api, SlackTokenProvider tokens, IServiceProvider services, ILogger<SlackWorkHandler> log)
    {
        _api = api;
        _tokens = tokens;
        _services = services;
        _log = log;
    }

    /// <inheritdoc />
    public bool CanHandle(string kind) => kind.StartsWith("slack.", StringComparison.Ordinal);

    /// <inheritdoc />
    public async Task HandleAsync(WorkItem item, CancellationToken ct)
    {
        try
        {
            var token = await _tokens.GetBotTokenAsync(item.Tenant, ct)
                ?? throw new PermanentWorkException($"TriageBot is not installed in {item.Tenant} (no bot token).");
            switch (item.Kind)
            {
                case SlackWorkKinds.PostMessage:
                    {
                        var work = Read(item, SlackJsonContext.Default.PostMessageWork);
                        if (item.MayHaveRunBefore && await AlreadyPostedAsync(token, item, work, ct))
                        {
                            break;
                        }

                        try
                        {
                            await _api.PostMessageAsync(token, new ChatPostMessageRequest
                            {
                                Channel = work.Channel, ThreadTs = work.ThreadTs, Text = work.Text, Blocks = work.Blocks, UnfurlLinks = false, UnfurlMedia = false,
                                Metadata = WorkItemMetadata(item.Id),
                            }, ct);
                        }
                        catch (SlackApiException ex) when (ex.IsPermanent && work.NotifyOnFailure is { } lead)
                        {
                            await TellLeadPostFailedAsync(token, lead, work, ex, ct);
                            throw;
                        }

                        break;
                    }

                case SlackWorkKinds.Respond:
                    {
                        var work = Read(item, SlackJsonContext.Default.RespondWork);
                        await _api.RespondAsync(work.ResponseUrl, new ResponseUrlMessage { ReplaceOriginal = work.ReplaceOriginal, Text = work.Text, Blocks = work.Blocks }, ct);
                        break;
                    }

                case SlackWorkKinds.PostEphemeral:
                    {
                        var work = Read(item, SlackJsonContext.Default.PostMessageWork);
                        await _api.PostEphemeralAsync(token, new ChatPostEphemeralRequest
                        {
                            Channel = work.Channel, User = work.User ?? throw new PermanentWorkException("Ephemeral message without a user."),
                            ThreadTs = work.ThreadTs, Text = work.Text, Blocks = work.Blocks,
                        }, ct);
                        break;
                    }

                case SlackWorkKinds.UpdateMessage:
                    {
                        var work = Read(item, SlackJsonContext.Default.UpdateMessageWork);
                        await _api.UpdateMessageAsync(token, new ChatUpdateRequest { Channel = work.Channel, Ts = work.Ts, Text = work.Text, Blocks = work.Blocks }, ct);
                        break;
                    }

                case SlackWorkKinds.PublishHome:
                    await PublishHomeAsync(item.Tenant, token, Read(item, SlackJsonContext.Default.PublishHomeWork), ct);
                    break;
                case SlackWorkKinds.SendDigest:
                    await SendDigestAsync(item, Read(item, SlackJsonContext.Default.SendDigestWork), ct);
                    break;
                case SlackWorkKinds.DigestChart:
                    await UploadDigestChartAsync(item.Tenant, token, Read(item, SlackJsonContext.Default.DigestChartWork), ct);
                    break;
                default:
                    throw new PermanentWorkException($"Unknown Slack work kind '{item.Kind}'.");
            }
        }
        catch (SlackApiException ex) when (ex.IsPermanent)
        {
            throw new PermanentWorkException($"Slack refused {ex.Method}: {ex.Error}", ex);
        }
        catch (TriageUserException ex)
        {
            throw new PermanentWorkException(ex.Message, ex);
        }
    }

    /// <summary>The metadata event type that marks every message posted from a work item.</summary>
    public const string WorkItemEventType = "triagebot_work_item";

    /// <summary>The <c>event_payload</c> key that holds the work item id.</summary>
    public const string WorkItemIdKey = "work_item_id";

    /// <summary>How far before an item's creation the look-up of an earlier post starts (clock skew between us and Slack).</summary>
    public static readonly TimeSpan LookupMargin = TimeSpan.FromMinutes(2);

    /// <summary>The message metadata that marks a post as made by work item <paramref name="id"/>.</summary>
    public static MessageMetadata WorkItemMetadata(Guid id) =>
        new() { EventType = WorkItemEventType, EventPayload = new System.Text.Json.Nodes.JsonObject { [WorkItemIdKey] = id.ToString("D") } };

    // An earlier run of this item ended without an outcome (its worker died, or the post failed in a way that may have
    // reached Slack): look for the message it may have posted, marked with the item's id, before posting again. If the
    // look-up itself is refused for good (an install without the history scopes, a channel the bot cannot read), post
    // anyway: a possible duplicate beats a lost reply. A transient failure retries the whole item later.
    private async Task<bool> AlreadyPostedAsync(string token, WorkItem item, PostMessageWork work, CancellationToken ct)
    {
        try
        {
            var ts = await _api.FindMessageByMetadataAsync(token, work.Channel, work.ThreadTs, item.CreatedAt - LookupMargin,
                WorkItemEventType, WorkItemIdKey, item.Id.ToString("D"), ct: ct);
            if (ts is null)
            {
                return false;
            }

            _log.LogInformation("Work item {ItemId} was already posted to {Channel} (ts {Ts}) by an earlier run; not posting it again", item.Id, work.Channel, ts);
            return true;
        }
        catch (SlackApiException ex) when (ex.IsPermanent)
        {
            _log.LogWarning("Could not check whether work item {ItemId} was already posted to {Channel} ({Error}); posting it, which may repeat it", item.Id, work.Channel, ex.Error);
            return false;
        }
    }

    // A reply to a requester (redirect, ask for details) that Slack refuses for good — the bot is not in that private
    // channel or DM, the channel was archived — would otherwise vanish while the Lead believes it was sent: tell the Lead
    // by DM, with the text to pass on themselves.
    private async Task TellLeadPostFailedAsync(string token, string leadUserId, PostMessageWork work, SlackApiException failure, CancellationToken ct)
    {
        var why = failure.Error switch
        {
            "not_in_channel" or "channel_not_found" => $"I'm not a member of <#{work.Channel}> (invite me with `/invite @TriageBot`, or pass it on yourself)",
            "is_archived" => $"<#{work.Channel}> is archived",
            _ => $"Slack refused it ({failure.Error})",
        };
        try
        {
            await _api.PostMessageAsync(token, new ChatPostMessageRequest
            {
                Channel = leadUserId,
                Text = SlackText.TruncateMrkdwn($":warning: I couldn't post your message: {why}. Here it is to send yourself:\n>>> {work.Text}", BlockKit.BlockLimits.MessageText),
                UnfurlLinks = false,
                UnfurlMedia = false,
            }, ct);
        }
        catch (Exception ex) when (ex is SlackApiException or OperationCanceledException)
        {
            // Even on shutdown, the post's own (permanent) failure is what the caller rethrows: no retry, no second DM.
            _log.LogWarning(ex, "Could not tell the Lead that a post to {Channel} failed", work.Channel);
        }
    }

    private async Task PublishHomeAsync(string tenant, string token, PublishHomeWork work, CancellationToken ct)
    {
        var users = _services.GetRequiredService<SlackUserDirectory>();
        var user = await users.ResolveAsync(tenant, work.UserId, ct);
        System.Text.Json.Nodes.JsonObject view;
        if (users.IsLead(user.Person))
        {
            var home = await _services.GetRequiredService<ITriageUseCases>().GetHomeAsync(tenant, user.Person!.Id, ct);
            view = SlackRenderer.Home(home);
        }
        else
        {
            view = BlockKit.Views.Home(new BlockKit.BlockBuilder(BlockKit.BlockLimits.ViewBlocks)
                .Header("TriageBot")
                .Section(BlockKit.Md.Trusted("Not sure who to ask? Try `/triage who <your question>` — I'll point you to the right person or team.")));
        }

        await _api.PublishViewAsync(token, new ViewsPublishRequest { UserId = work.UserId, View = view }, ct);
    }

    private async Task SendDigestAsync(WorkItem item, SendDigestWork work, CancellationToken ct)
    {
        var tenant = item.Tenant;
        var useCases = _services.GetRequiredService<ITriageUseCases>();
        var org = _services.GetRequiredService<IOrgProvider>();
        var lead = org.Directory.FindPerson(work.LeadId) ?? throw new PermanentWorkException($"Unknown Lead '{work.LeadId}'.");
        var digest = await useCases.BuildDigestAsync(tenant, work.LeadId, work.IsoWeek, ct);
        byte[]? chart = null;
        try
        {
            chart = _services.GetService<IDigestChartRenderer>()?.RenderPng(digest);
        }
        catch (Exception ex)
        {
            // The digest still goes out without its chart.
            _log.LogWarning(ex, "Rendering the digest chart failed");
        }

        var sender = _services.GetRequiredService<SlackDigestSender>();
        var personWithSlackId = work.UserId is not null && lead.Identities.IdOn(IdentityPlatforms.Slack) is null
            ? lead with { Identities = lead.Identities.With(IdentityPlatforms.Slack, work.UserId) }
            : lead;
        var result = await sender.SendAsync(tenant, personWithSlackId, new DigestMessage(digest, SlackDigestSender.FallbackText(digest), chart), item, ct);
        if (result != DigestSendResult.Sent)
        {
            throw new PermanentWorkException($"The digest could not be delivered: {result}.");
        }
    }

    // The second step of a digest: its text is already posted, so this step only renders the chart again and uploads
    // it. A failure here retries this step alone (the queue's backoff); the text is never posted again.
    private async Task UploadDigestChartAsync(string tenant, string token, DigestChartWork work, CancellationToken ct)
    {
        var renderer = _services.GetService<IDigestChartRenderer>() ?? throw new PermanentWorkException("No digest chart renderer is configured.");
        var digest = await _services.GetRequiredService<ITriageUseCases>().BuildDigestAsync(tenant, work.LeadId, work.IsoWeek, ct);
        byte[] png;
        try
        {
            png = renderer.RenderPng(digest);
        }
        catch (Exception ex)
        {
            throw new PermanentWorkException("Rendering the digest chart failed; the digest stays without its chart.", ex);
        }

        if (png.Length == 0)
        {
            return;
        }

        await _api.UploadFileAsync(token, $"help-week-{digest.IsoWeek}.png", png, $"Help hours per day, {digest.IsoWeek}", work.Channel, null, null, ct);
    }

    private static T Read<T>(WorkItem item, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        try
        {
            return JsonSerializer.Deserialize(item.PayloadJson, info) ?? throw new PermanentWorkException("Empty work payload.");
        }
        catch (JsonException ex)
        {
            throw new PermanentWorkException("Unreadable work payload.", ex);
        }
    }
}

/// <summary>
/// Delivers weekly digests by DM in two idempotent steps: conversations.open and the Block Kit message (the text), then,
/// when there is a chart, a durable <see cref="SlackWorkKinds.DigestChart"/> work item that re-renders the chart and
/// uploads it (files.getUploadURLExternal/completeUploadExternal), retried on its own: a failed upload never posts the
/// text again.
/// </summary>
public sealed class SlackDigestSender : IDigestSender
{
    private static readonly HashSet<string> BlockedErrors = new(StringComparer.Ordinal) { "cannot_dm_bot", "user_disabled", "account_inactive", "messages_tab_disabled", "is_archived" };
    private static readonly HashSet<string> UnreachableErrors = new(StringComparer.Ordinal) { "user_not_found", "users_not_found", "invalid_auth", "not_authed", "token_revoked", "missing_scope" };

    private readonly SlackApiClient _api;
    private readonly SlackTokenProvider _tokens;
    private readonly IWorkQueue _queue;
    private readonly TimeProvider _time;
    private readonly ILogger<SlackDigestSender> _log;

    /// <summary>Creates the sender.</summary>
    public SlackDigestSender(SlackApiClient api, SlackTokenProvider tokens, IWorkQueue queue, TimeProvider time, ILogger<SlackDigestSender> log)
    {
        _api = api;
        _tokens = tokens;
        _queue = queue;
        _time = time;
        _log = log;
    }

    /// <inheritdoc />
    public Platform Platform => Platform.Slack;

    /// <inheritdoc />
    public Task<DigestSendResult> SendAsync(string tenant, Person lead, DigestMessage message, CancellationToken ct = default) =>
        SendAsync(tenant, lead, message, null, ct);

    /// <summary>
    /// Sends a digest as the work item <paramref name="item"/> asks: the text carries the item's id in its metadata and,
    /// when an earlier run of the item may have posted it, the DM is searched for it first (then only the chart step is
    /// queued, for the message found).
    /// </summary>
    public async Task<DigestSendResult> SendAsync(string tenant, Person lead, DigestMessage message, WorkItem? item, CancellationToken ct)
    {
        var token = await _tokens.GetBotTokenAsync(tenant, ct);
        if (token is null)
        {
            return DigestSendResult.NotReachable;
        }

        try
        {
            var userId = lead.Identities.IdOn(IdentityPlatforms.Slack);
            if (userId is null && lead.Identities.Email is { } email)
            {
                userId = (await _api.LookupUserByEmailAsync(token, email, ct)).User?.Id;
            }

            if (userId is null)
            {
                return DigestSendResult.NotReachable;
            }

            var channel = await _api.OpenDirectMessageAsync(token, userId, ct);
            var postedTs = item is { MayHaveRunBefore: true } ? await FindEarlierPostAsync(token, channel, item, ct) : null;
            if (postedTs is null)
            {
                var text = string.IsNullOrWhiteSpace(message.PlainText) ? FallbackText(message.Digest) : message.PlainText;
                var posted = await _api.PostMessageAsync(token, new ChatPostMessageRequest
                {
                    Channel = channel, Text = BlockKit.SlackText.TruncateMrkdwn(BlockKit.SlackText.Escape(text), 3000), Blocks = SlackRenderer.Digest(message.Digest).Build(),
                    Metadata = item is null ? null : SlackWorkHandler.WorkItemMetadata(item.Id),
                }, ct);
                postedTs = posted.Ts;
            }

            // The text is out: from here on nothing may fail the delivery (its retry would post the text again).
            if (message.ChartPng is { Length: > 0 })
            {
                await QueueChartAsync(tenant, lead.Id, message.Digest.IsoWeek, channel, postedTs);
            }

            return DigestSendResult.Sent;
        }
        catch (SlackApiException ex) when (BlockedErrors.Contains(ex.Error))
        {
            return DigestSendResult.Blocked;
        }
        catch (SlackApiException ex) when (UnreachableErrors.Contains(ex.Error))
        {
            return DigestSendResult.NotReachable;
        }
    }

    // The digest text an earlier run of this item posted in the DM, if any (by the item id in its metadata). A look-up
    // refused for good (no history scope) posts again; a transient failure retries the item.
    private async Task<string?> FindEarlierPostAsync(string token, string channel, WorkItem item, CancellationToken ct)
    {
        try
        {
            var ts = await _api.FindMessageByMetadataAsync(token, channel, null, item.CreatedAt - SlackWorkHandler.LookupMargin,
                SlackWorkHandler.WorkItemEventType, SlackWorkHandler.WorkItemIdKey, item.Id.ToString("D"), ct: ct);
            if (ts is not null)
            {
                _log.LogInformation("The digest of work item {ItemId} was already posted (ts {Ts}) by an earlier run; not posting it again", item.Id, ts);
            }

            return ts;
        }
        catch (SlackApiException ex) when (ex.IsPermanent)
        {
            _log.LogWarning("Could not check whether the digest of work item {ItemId} was already posted ({Error}); posting it, which may repeat it", item.Id, ex.Error);
            return null;
        }
    }

    /// <summary>The dedup key of a digest's chart step: one chart per posted digest text (its channel and ts).</summary>
    public static string ChartDedupKey(string tenant, string leadId, string isoWeek, string channel, string? ts) =>
        $"digest-chart:{tenant}:{leadId}:{isoWeek}:{channel}:{ts ?? "-"}";

    private async Task QueueChartAsync(string tenant, string leadId, string isoWeek, string channel, string? ts)
    {
        try
        {
            // Recorded even when shutting down: the text step is done and must not be repeated.
            await new SlackOutbox(_queue, _time).DigestChartAsync(tenant, new DigestChartWork { LeadId = leadId, IsoWeek = isoWeek, Channel = channel },
                ChartDedupKey(tenant, leadId, isoWeek, channel, ts), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The digest text went out; losing its chart beats posting the text twice.
            _log.LogWarning(ex, "Could not queue the chart of a digest for {LeadId} ({IsoWeek}); the digest stays without it", leadId, isoWeek);
        }
    }

    /// <summary>Short notification text for a digest.</summary>
    public static string FallbackText(WeeklyDigest d) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Your help week {d.IsoWeek}: {d.HoursSpent:0.#} h of {d.BudgetHours:0.#} h, {d.Received} requests ({d.Taken} taken, {d.Redirected} redirected).");
}
