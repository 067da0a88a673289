using System.Text.Json;
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
    private readonly SlackUserDirectory _users;
    private readonly ITriageUseCases _useCases;
    private readonly IOrgProvider _org;
    private readonly SlackDigestSender _digests;
    private readonly IDigestChartRenderer? _chart;
    private readonly ILogger<SlackWorkHandler> _log;

    /// <summary>Creates the handler; without a chart renderer digests go out without their chart.</summary>
    public SlackWorkHandler(SlackApiClient api, SlackTokenProvider tokens, SlackUserDirectory users, ITriageUseCases useCases, IOrgProvider org,
        SlackDigestSender digests, ILogger<SlackWorkHandler> log, IDigestChartRenderer? chart = null)
    {
        _api = api;
        _tokens = tokens;
        _users = users;
        _useCases = useCases;
        _org = org;
        _digests = digests;
        _chart = chart;
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

                case SlackWorkKinds.UpdateView:
                    {
                        var work = Read(item, SlackJsonContext.Default.UpdateViewWork);
                        try
                        {
                            await _api.UpdateViewAsync(token, new ViewsUpdateRequest { ViewId = work.ViewId, Hash = work.Hash, View = work.View }, ct);
                        }
                        catch (SlackApiException ex) when (ex.Error is "hash_conflict" or "not_found")
                        {
                            // The view moved on (the call that timed out before the ack did land, or the Lead went on)
                            // or was closed: nothing left to update.
                            _log.LogInformation("Queued views.update not needed any more: {Error}", ex.Error);
                        }

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

    // One Home is rendered and published at a time per user (striped: bounded memory, an unrelated user may rarely wait):
    // overlapping refreshes could otherwise publish an older rendering last. Across replicas they still may; the next
    // refresh (any action, or opening Home) puts it right.
    private static readonly SemaphoreSlim[] HomeLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private async Task PublishHomeAsync(string tenant, string token, PublishHomeWork work, CancellationToken ct)
    {
        var gate = HomeLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(tenant + "\n" + work.UserId) % (uint)HomeLocks.Length)];
        await gate.WaitAsync(ct);
        try
        {
            await RenderAndPublishHomeAsync(tenant, token, work, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task RenderAndPublishHomeAsync(string tenant, string token, PublishHomeWork work, CancellationToken ct)
    {
        var user = await _users.ResolveAsync(tenant, work.UserId, ct);
        System.Text.Json.Nodes.JsonObject view;
        if (_users.IsLead(user.Person))
        {
            var home = await _useCases.GetHomeAsync(tenant, user.Person!.Id, ct);
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
        var lead = _org.Directory.FindPerson(work.LeadId) ?? throw new PermanentWorkException($"Unknown Lead '{work.LeadId}'.");
        var digest = await _useCases.BuildDigestAsync(tenant, work.LeadId, work.IsoWeek, ct);
        var chart = DigestCharts.TryRenderPng(_chart, digest, ex => _log.LogWarning(ex, "The digest chart could not be rendered; the digest goes out without it"));
        var personWithSlackId = work.UserId is not null && lead.Identities.IdOn(IdentityPlatforms.Slack) is null
            ? lead with { Identities = lead.Identities.With(IdentityPlatforms.Slack, work.UserId) }
            : lead;
        var result = await _digests.SendAsync(tenant, personWithSlackId, new DigestMessage(digest, SlackDigestSender.FallbackText(digest), chart), item, ct);
        if (result != DigestSendResult.Sent)
        {
            throw new PermanentWorkException($"The digest could not be delivered: {result}.");
        }
    }

    // The second step of a digest: its text is already posted, so this step only renders the chart again and uploads
    // it. A failure here retries this step alone (the queue's backoff); the text is never posted again.
    private async Task UploadDigestChartAsync(string tenant, string token, DigestChartWork work, CancellationToken ct)
    {
        var renderer = _chart ?? throw new PermanentWorkException("No digest chart renderer is configured.");
        var digest = await _useCases.BuildDigestAsync(tenant, work.LeadId, work.IsoWeek, ct);
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
