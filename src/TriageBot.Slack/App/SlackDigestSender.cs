using Microsoft.Extensions.Logging;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Slack.Api;
using TriageBot.Slack.Protocol;
using TriageBot.Slack.Rendering;

namespace TriageBot.Slack.App;

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
    private readonly SlackOutbox _outbox;
    private readonly ILogger<SlackDigestSender> _log;

    /// <summary>Creates the sender.</summary>
    public SlackDigestSender(SlackApiClient api, SlackTokenProvider tokens, SlackOutbox outbox, ILogger<SlackDigestSender> log)
    {
        _api = api;
        _tokens = tokens;
        _outbox = outbox;
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
            await _outbox.DigestChartAsync(tenant, new DigestChartWork { LeadId = leadId, IsoWeek = isoWeek, Channel = channel },
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
