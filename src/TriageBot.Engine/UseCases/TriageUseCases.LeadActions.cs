using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.UseCases;

// The Lead's actions on a request (take, redirect, clarify, log time, done), who to ask, the digest, the home and settings.
public sealed partial class TriageUseCases
{
    /// <inheritdoc />
    public async Task<TakeResult> TakeAsync(string tenant, Guid requestId, string leadId, string? estimate = null, CancellationToken ct = default)
    {
        // Parse first: a bad estimate changes nothing.
        int? minutes = string.IsNullOrWhiteSpace(estimate) ? null : HelpDuration.Parse(estimate);
        var request = await RequireRequestAsync(tenant, requestId, ct);
        RequireOwnLead(request, leadId);
        RequireNotFinished(request);
        var decision = await RequireDecisionAsync(tenant, requestId, ct);
        var now = _time.GetUtcNow();
        var mode = ModeOf(decision.Decision);

        await _requests.UpdateStatusAsync(tenant, requestId, RequestStatus.Taken, null, null, now, ct);
        var updated = request with { Status = RequestStatus.Taken, OwnerType = null, OwnerId = null, UpdatedAt = now };

        TimeEntry? entry = null;
        var confirmation = Messages.Taken(request.RequesterName, mode, minutes);
        if (minutes is { } m)
        {
            // One estimate per request, under an id derived from it: a second Take (a double click, two devices, a
            // retried delivery) keeps the first estimate instead of counting the planned time twice.
            var candidate = new TimeEntry(IdempotentId(tenant, "estimate-at-take\n" + request.Id.ToString("D")), tenant, request.LeadId, request.Id, m,
                KindOf(mode), true, request.TopicId, request.RequesterId, now, "estimate at take");
            try
            {
                await _ledger.AddAsync(candidate, ct);
                entry = candidate;
            }
            catch (StoreConflictException)
            {
                // The id exists (or is being committed with the other Take's batch): the first estimate stands. No
                // re-read: a racing write may not be visible yet.
                confirmation = Messages.Taken(request.RequesterName, mode, null) + " (Its first estimate is kept.)";
            }
        }

        await LearnFromActionAsync(request, decision, Understanding.ExampleSource.Take, ct);
        var card = await PresentAsync(updated, decision, ct);
        return new TakeResult(updated, entry, confirmation, card);
    }

    /// <inheritdoc />
    public async Task<RedirectResult> PreviewRedirectAsync(string tenant, Guid requestId, string leadId, string? ownerId = null, CancellationToken ct = default)
    {
        var request = await RequireRequestAsync(tenant, requestId, ct);
        RequireOwnLead(request, leadId);
        var decision = await RequireDecisionAsync(tenant, requestId, ct);
        var org = _org.Directory;
        var owner = ResolveOwner(org, request, decision.Decision, ownerId);
        var message = RedirectMessage(org, request, decision.Decision, owner);
        return new RedirectResult(request, owner, message, await PresentAsync(request, decision, ct));
    }

    /// <inheritdoc />
    public async Task<RedirectResult> RedirectAsync(string tenant, Guid requestId, string leadId, string? ownerId = null, string? message = null, CancellationToken ct = default)
    {
        var request = await RequireRequestAsync(tenant, requestId, ct);
        RequireOwnLead(request, leadId);
        RequireNotFinished(request);
        var decision = await RequireDecisionAsync(tenant, requestId, ct);
        var org = _org.Directory;
        var owner = ResolveOwner(org, request, decision.Decision, ownerId);
        var text = string.IsNullOrWhiteSpace(message) ? RedirectMessage(org, request, decision.Decision, owner) : message.Trim();
        var now = _time.GetUtcNow();

        // Redirected to the same owner again (a double click, a second device, the text edited): the state stands as it
        // is, so the requester's message for it is recognised as the same one (RequesterMessageReply.DeliveryKey).
        if (request.Status == RequestStatus.Redirected && request.OwnerType == owner.Type && request.OwnerId == owner.Id)
        {
            return new RedirectResult(request, owner, text, await PresentAsync(request, decision, ct));
        }

        await _requests.UpdateStatusAsync(tenant, requestId, RequestStatus.Redirected, owner.Type, owner.Id, now, ct);
        var updated = request with { Status = RequestStatus.Redirected, OwnerType = owner.Type, OwnerId = owner.Id, UpdatedAt = now };
        await LearnFromActionAsync(request, decision, Understanding.ExampleSource.Redirect, ct);
        return new RedirectResult(updated, owner, text, await PresentAsync(updated, decision, ct));
    }

    /// <inheritdoc />
    public async Task<ClarifyResult> ClarifyAsync(string tenant, Guid requestId, string leadId, string? message = null, CancellationToken ct = default)
    {
        var request = await RequireRequestAsync(tenant, requestId, ct);
        RequireOwnLead(request, leadId);
        RequireNotFinished(request);
        var decision = await RequireDecisionAsync(tenant, requestId, ct);
        var lead = RequireLead(_org.Directory, request.LeadId);
        var now = _time.GetUtcNow();
        var text = string.IsNullOrWhiteSpace(message) ? Messages.Clarify(request.RequesterName, lead.Name) : message.Trim();

        if (request.Status == RequestStatus.Clarified)
        {
            // Asked again: the state stands (see RedirectAsync); a different question is still a new message.
            return new ClarifyResult(request, text, await PresentAsync(request, decision, ct));
        }

        await _requests.UpdateStatusAsync(tenant, requestId, RequestStatus.Clarified, null, null, now, ct);
        var updated = request with { Status = RequestStatus.Clarified, OwnerType = null, OwnerId = null, UpdatedAt = now };
        // Asking what a request the bot found no topic in is about says it names none (a follow-up, a hello): the bot
        // learns that, as it learns a topic from Take and Redirect. Emoji, a bare link or a paste teach nothing.
        if (decision.Decision.Analysis is { TopTopic: null, ClarifyReason: not (Analysis.ClarifyReason.NoWords or Analysis.ClarifyReason.NoSentence or Analysis.ClarifyReason.Paste) })
        {
            await LearnAsync(request, Understanding.LearnedExample.NoTopic, Understanding.ExampleSource.Clarify, ct);
        }

        return new ClarifyResult(updated, text, await PresentAsync(updated, decision, ct));
    }

    /// <inheritdoc />
    public async Task<LogTimeResult> LogTimeAsync(string tenant, string leadId, string duration, Guid? requestId = null, string? note = null, HelpKind? kind = null, CancellationToken ct = default)
    {
        var minutes = HelpDuration.Parse(duration);
        RequireTenant(tenant);
        var org = _org.Directory;
        var lead = RequireLead(org, leadId);

        RequestRecord? request;
        if (requestId is { } id)
        {
            request = await RequireRequestAsync(tenant, id, ct);
            RequireOwnLead(request, leadId);
        }
        else
        {
            var taken = await _requests.ListByStatusAsync(tenant, lead.Id, RequestStatus.Taken, 1, ct);
            request = taken.Count > 0 ? taken[0] : null;
        }

        var helpKind = kind;
        if (helpKind is null && request is not null)
        {
            var decision = await _requests.GetLatestDecisionAsync(tenant, request.Id, ct);
            helpKind = decision is null ? HelpKind.Do : KindOf(ModeOf(decision.Decision));
        }

        var now = _time.GetUtcNow();
        var entry = new TimeEntry(
            Guid.CreateVersion7(now),
            tenant,
            lead.Id,
            request?.Id,
            minutes,
            helpKind ?? HelpKind.Do,
            false,
            request?.TopicId,
            request?.RequesterId,
            now,
            string.IsNullOrWhiteSpace(note) ? null : note.Trim());
        await _ledger.AddAsync(entry, ct);

        var effective = await EffectiveAsync(tenant, lead, ct);
        var weekHours = await LeadWeekHoursAsync(tenant, lead.Id, TimeZones.FindOrUtc(effective.TimeZone), now, ct);
        var label = request is null ? null : Messages.RequestLabel(request.RequesterName, TopicNameOrNull(org, request.TopicId));
        return new LogTimeResult(entry, weekHours, effective.BudgetHours, Messages.Logged(minutes, label, weekHours, effective.BudgetHours));
    }

    /// <inheritdoc />
    public async Task<DoneResult> MarkDoneAsync(string tenant, string leadId, Guid? requestId = null, CancellationToken ct = default)
    {
        RequireTenant(tenant);
        var org = _org.Directory;
        var lead = RequireLead(org, leadId);
        RequestRecord request;
        if (requestId is { } id)
        {
            request = await RequireRequestAsync(tenant, id, ct);
            RequireOwnLead(request, leadId);
            RequireNotFinished(request);
        }
        else
        {
            var taken = await _requests.ListByStatusAsync(tenant, lead.Id, RequestStatus.Taken, 1, ct);
            request = taken.Count > 0
                ? taken[0]
                : throw new TriageUserException("You have no taken request to mark done. Take a request first, or pick one from your list.");
        }

        var now = _time.GetUtcNow();
        await _requests.UpdateStatusAsync(tenant, request.Id, RequestStatus.Done, request.OwnerType, request.OwnerId, now, ct);
        var updated = request with { Status = RequestStatus.Done, UpdatedAt = now };

        var entries = await _ledger.ListForLeadAsync(tenant, lead.Id, request.ReceivedAt, now.AddMicroseconds(1), ct);
        var logged = entries.Where(e => e.RequestId == request.Id && !e.IsEstimate).Sum(e => e.Minutes);
        var label = Messages.RequestLabel(request.RequesterName, TopicNameOrNull(org, request.TopicId));
        return new DoneResult(updated, Messages.Done(label, logged));
    }

    /// <inheritdoc />
    public async Task<WhoResult> WhoAsync(string tenant, string requesterId, string text, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new TriageUserException("Tell me what you need help with, e.g. \"who: how do I set up an A/B test for the new onboarding?\".");
        }

        RequireReasonableLength(text);
        RequireTenant(tenant);
        var org = _org.Directory;
        var now = _time.GetUtcNow();
        var zone = TimeZones.FindOrUtc(org.FindPerson(requesterId)?.TimeZone);
        var (start, end) = IsoWeekId.FromInstant(now, zone).GetUtcBounds(zone);
        var minutes = await _ledger.LoggedMinutesByLeadAsync(tenant, start, end, ct);
        var redirects = await _requests.CountRedirectsByOwnerAsync(tenant, now.AddDays(-_policy.RepeatWindowDays), ct);
        var input = new WhoInput(text, requesterId ?? "", now)
        {
            HoursSpentByPerson = ToHours(minutes),
            RecentRedirectsByPerson = redirects,
        };
        return Engine(org).Who(input);
    }

    /// <inheritdoc />
    public async Task<WeeklyDigest> BuildDigestAsync(string tenant, string leadId, string? isoWeek = null, CancellationToken ct = default)
    {
        RequireTenant(tenant);
        var org = _org.Directory;
        var lead = RequireLead(org, leadId);
        var effective = await EffectiveAsync(tenant, lead, ct);
        var zone = TimeZones.FindOrUtc(effective.TimeZone);
        var week = string.IsNullOrWhiteSpace(isoWeek) ? IsoWeekId.FromInstant(_time.GetUtcNow(), zone) : IsoWeekId.Parse(isoWeek);
        var builder = new DigestBuilder(org, _policy, _requests, _ledger);
        return await builder.BuildAsync(tenant, lead, week, effective, ct);
    }

    /// <inheritdoc />
    public async Task<LeadHome> GetHomeAsync(string tenant, string leadId, CancellationToken ct = default)
    {
        RequireTenant(tenant);
        var lead = RequireLead(_org.Directory, leadId);
        var effective = await EffectiveAsync(tenant, lead, ct);
        var zone = TimeZones.FindOrUtc(effective.TimeZone);
        var now = _time.GetUtcNow();
        var week = IsoWeekId.FromInstant(now, zone);
        var hours = await LeadWeekHoursAsync(tenant, lead.Id, zone, now, ct);
        var taken = await _requests.ListByStatusAsync(tenant, lead.Id, RequestStatus.Taken, HomeListLimit, ct);
        var redirected = await _requests.ListByStatusAsync(tenant, lead.Id, RequestStatus.Redirected, HomeListLimit, ct);
        return new LeadHome(lead.Id, lead.Name, week.ToString(), hours, effective.BudgetHours, taken, redirected, effective);
    }

    /// <inheritdoc />
    public async Task<EffectiveLeadSettings> GetSettingsAsync(string tenant, string leadId, CancellationToken ct = default)
    {
        RequireTenant(tenant);
        var lead = RequireLead(_org.Directory, leadId);
        return await EffectiveAsync(tenant, lead, ct);
    }

    /// <inheritdoc />
    public async Task<EffectiveLeadSettings> UpdateSettingsAsync(string tenant, string leadId, SettingsChange change, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        RequireTenant(tenant);
        var lead = RequireLead(_org.Directory, leadId);

        if (change.BudgetHours is { } budget && (double.IsNaN(budget) || budget < 0 || budget > Conversation.SettingsForm.MaxBudgetHours))
        {
            throw new TriageUserException("Your weekly help budget must be between 0 and 60 hours, e.g. 6 or 7.5.");
        }

        if (change.DigestDay is { } day && !Enum.IsDefined(day))
        {
            throw new TriageUserException("Pick a day of the week for your digest, e.g. Friday.");
        }

        string? zoneId = null;
        if (change.TimeZone is not null)
        {
            if (!TimeZones.TryFindIana(change.TimeZone, out var zone))
            {
                var shown = change.TimeZone.Length > 40 ? change.TimeZone[..40] + "…" : change.TimeZone;
                throw new TriageUserException($"\"{shown}\" is not a timezone I know. Use an IANA name such as Europe/Berlin, America/Sao_Paulo, Asia/Kolkata or UTC.");
            }

            zoneId = zone.Id;
        }

        var stored = await _settings.GetAsync(tenant, lead.Id, ct);
        var next = new LeadSettings(
            tenant,
            lead.Id,
            change.BudgetHours is { } b ? Math.Round(b, 2) : stored?.BudgetHours,
            change.DigestDay ?? stored?.DigestDay,
            change.DigestTime ?? stored?.DigestTime,
            zoneId ?? stored?.TimeZone);
        await _settings.SaveAsync(next, ct);
        return Effective(lead, next);
    }
}
