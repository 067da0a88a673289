using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;

namespace TriageBot.Host.Observability;

/// <summary>Counts what goes through the use cases (requests triaged by decision and platform, card actions) for <c>/metrics</c>.</summary>
internal sealed class MeteredTriageUseCases(ITriageUseCases inner, TriageBotMetrics metrics, IStorageRehearsal rehearsal) : ITriageUseCases
{
    public async Task<TriageResult> TriageAsync(IncomingRequest request, CancellationToken ct = default)
    {
        var result = await inner.TriageAsync(request, ct).ConfigureAwait(false);
        if (!rehearsal.IsRehearsing)
        {
            // The warm-up's rehearsed acknowledgements are rolled back: they were never triaged.
            metrics.Triaged(Decision(result.Decision.Decision.Outcome), request.Platform);
        }

        return result;
    }

    public Task<TriageResult> GetAsync(string tenant, Guid requestId, CancellationToken ct = default) => inner.GetAsync(tenant, requestId, ct);

    public async Task<TriageResult> OverrideAsync(string tenant, Guid requestId, string leadId, Question question, AnswerValue value, CancellationToken ct = default)
    {
        var result = await inner.OverrideAsync(tenant, requestId, leadId, question, value, ct).ConfigureAwait(false);
        if (result.Changed)
        {
            metrics.Action("override", result.Request.Platform);
        }

        return result;
    }

    public async Task<TriageResult> CorrectTopicAsync(string tenant, Guid requestId, string leadId, string topicId, CancellationToken ct = default)
    {
        var result = await inner.CorrectTopicAsync(tenant, requestId, leadId, topicId, ct).ConfigureAwait(false);
        if (result.Changed)
        {
            metrics.Action("correct-topic", result.Request.Platform);
            metrics.TopicCorrected(result.Decision.Decision.Analysis.TopTopic?.TopicId ?? topicId);
        }

        return result;
    }

    public async Task<TakeResult> TakeAsync(string tenant, Guid requestId, string leadId, string? estimate = null, CancellationToken ct = default)
    {
        var result = await inner.TakeAsync(tenant, requestId, leadId, estimate, ct).ConfigureAwait(false);
        metrics.Action("take", result.Request.Platform);
        return result;
    }

    public Task<RedirectResult> PreviewRedirectAsync(string tenant, Guid requestId, string leadId, string? ownerId = null, CancellationToken ct = default) =>
        inner.PreviewRedirectAsync(tenant, requestId, leadId, ownerId, ct);

    public async Task<RedirectResult> RedirectAsync(string tenant, Guid requestId, string leadId, string? ownerId = null, string? message = null, CancellationToken ct = default)
    {
        var result = await inner.RedirectAsync(tenant, requestId, leadId, ownerId, message, ct).ConfigureAwait(false);
        metrics.Action("redirect", result.Request.Platform);
        return result;
    }

    public async Task<ClarifyResult> ClarifyAsync(string tenant, Guid requestId, string leadId, string? message = null, CancellationToken ct = default)
    {
        var result = await inner.ClarifyAsync(tenant, requestId, leadId, message, ct).ConfigureAwait(false);
        metrics.Action("clarify", result.Request.Platform);
        return result;
    }

    public async Task<LogTimeResult> LogTimeAsync(string tenant, string leadId, string duration, Guid? requestId = null, string? note = null, HelpKind? kind = null, CancellationToken ct = default)
    {
        var result = await inner.LogTimeAsync(tenant, leadId, duration, requestId, note, kind, ct).ConfigureAwait(false);
        metrics.Action("log-time", tenant);
        return result;
    }

    public async Task<DoneResult> MarkDoneAsync(string tenant, string leadId, Guid? requestId = null, CancellationToken ct = default)
    {
        var result = await inner.MarkDoneAsync(tenant, leadId, requestId, ct).ConfigureAwait(false);
        metrics.Action("done", result.Request.Platform);
        return result;
    }

    public Task<WhoResult> WhoAsync(string tenant, string requesterId, string text, CancellationToken ct = default) => inner.WhoAsync(tenant, requesterId, text, ct);

    public Task<WeeklyDigest> BuildDigestAsync(string tenant, string leadId, string? isoWeek = null, CancellationToken ct = default) => inner.BuildDigestAsync(tenant, leadId, isoWeek, ct);

    public Task<LeadHome> GetHomeAsync(string tenant, string leadId, CancellationToken ct = default) => inner.GetHomeAsync(tenant, leadId, ct);

    public Task<EffectiveLeadSettings> GetSettingsAsync(string tenant, string leadId, CancellationToken ct = default) => inner.GetSettingsAsync(tenant, leadId, ct);

    public Task<EffectiveLeadSettings> UpdateSettingsAsync(string tenant, string leadId, SettingsChange change, CancellationToken ct = default) =>
        inner.UpdateSettingsAsync(tenant, leadId, change, ct);

    private static string Decision(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Take => "take",
        DecisionOutcome.Redirect => "redirect",
        _ => "clarify",
    };
}
