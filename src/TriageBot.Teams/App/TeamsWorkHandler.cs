using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Queue;
using TriageBot.Engine.UseCases;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Protocol;

namespace TriageBot.Teams.App;

/// <summary>Runs queued Teams work (<c>teams.*</c>): thread replies, queued replies and on-demand digests.</summary>
public sealed class TeamsWorkHandler : IWorkHandler
{
    private readonly ITriageUseCases _useCases;
    private readonly IDigestChartRenderer? _chart;
    private readonly ConnectorClient _connector;
    private readonly TrustedServiceUrls _trusted;
    private readonly ILogger<TeamsWorkHandler> _logger;

    /// <summary>Creates the handler; without a chart renderer digests go out without their chart.</summary>
    public TeamsWorkHandler(ITriageUseCases useCases, ConnectorClient connector, TrustedServiceUrls trusted, ILogger<TeamsWorkHandler> logger, IDigestChartRenderer? chart = null)
    {
        _useCases = useCases;
        _chart = chart;
        _connector = connector;
        _trusted = trusted;
        _logger = logger;
    }

    /// <inheritdoc />
    public bool CanHandle(string kind) => kind is TeamsWorkKinds.Send or TeamsWorkKinds.Digest;

    /// <inheritdoc />
    public async Task HandleAsync(TriageBot.Engine.Ports.WorkItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        try
        {
            if (item.MayHaveRunBefore)
            {
                // The Bot Connector cannot be asked what it already posted: an earlier run that died after the connector
                // accepted this send but before its outcome was recorded makes this one a repeat (see docs/operations.md).
                _logger.LogWarning("Teams work item {ItemId} ({Kind}) runs again after an earlier run ended without an outcome; if that run's send reached Teams, it shows twice", item.Id, item.Kind);
            }

            string? activityId;
            switch (item.Kind)
            {
                case TeamsWorkKinds.Send:
                    activityId = await SendAsync(Parse(item.PayloadJson, TeamsWorkJsonContext.Default.SendWork), ct).ConfigureAwait(false);
                    break;
                case TeamsWorkKinds.Digest:
                    activityId = await DigestAsync(item.Tenant, Parse(item.PayloadJson, TeamsWorkJsonContext.Default.DigestWork), ct).ConfigureAwait(false);
                    break;
                default:
                    throw new PermanentWorkException($"Unknown Teams work kind '{item.Kind}'.");
            }

            // The runner records the outcome right after this returns (not cancellable), so the window in which a send
            // reached Teams but is not recorded is this answer's trip back plus one database write.
            _logger.LogDebug("Teams work item {ItemId} sent as activity {ActivityId}", item.Id, activityId);
        }
        catch (ConnectorException ex) when (ex.IsBlocked || ex.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.RequestUriTooLong or HttpStatusCode.Unauthorized)
        {
            // Retrying cannot fix these (user blocked the bot, conversation gone, message too big, bad credentials).
            throw new PermanentWorkException($"Teams refused the message: {(int)ex.Status} {ex.Code}", ex);
        }
        catch (TriageBot.Engine.Decisions.TriageUserException ex)
        {
            throw new PermanentWorkException(ex.Message, ex);
        }
    }

    private async Task<string?> SendAsync(SendWork work, CancellationToken ct)
    {
        // The payload was stored by this bot from an authenticated activity.
        _trusted.Add(work.ServiceUrl);
        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            Text = work.Text,
            TextFormat = work.Text is null ? null : "plain",
            ReplyToId = work.ReplyToId,
        };
        if (work.Card is not null)
        {
            activity.Attachments = [new Attachment { ContentType = Attachment.AdaptiveCardContentType, Content = work.Card }];
        }

        if (!string.IsNullOrEmpty(work.ReplyToId))
        {
            return (await _connector.ReplyAsync(work.ServiceUrl, work.ConversationId, work.ReplyToId, activity, ct).ConfigureAwait(false)).Id;
        }

        return (await _connector.SendAsync(work.ServiceUrl, work.ConversationId, activity, ct).ConfigureAwait(false)).Id;
    }

    private async Task<string?> DigestAsync(string tenant, DigestWork work, CancellationToken ct)
    {
        _trusted.Add(work.ServiceUrl);
        var digest = await _useCases.BuildDigestAsync(tenant, work.LeadId, work.IsoWeek, ct).ConfigureAwait(false);
        var chart = DigestCharts.TryRenderPng(_chart, digest, ex => _logger.LogWarning(ex, "The digest chart could not be rendered; the digest goes out without it"));
        var activity = TeamsDigestSender.DigestActivity(digest, chart);
        activity.ReplyToId = work.ReplyToId;
        return (await _connector.SendAsync(work.ServiceUrl, work.ConversationId, activity, ct).ConfigureAwait(false)).Id;
    }

    private static T Parse<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new PermanentWorkException("Empty Teams work payload.");
        }
        catch (JsonException ex)
        {
            throw new PermanentWorkException("Malformed Teams work payload.", ex);
        }
    }
}
