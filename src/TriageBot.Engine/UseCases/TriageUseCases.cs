using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.UseCases;

/// <summary>
/// The use cases over the engine's ports: triage and record, override (both versions kept), take, redirect, clarify,
/// log time, mark done, self-triage, digest, the Lead's home and settings. Time is accounted in the Lead's own
/// timezone and ISO week. User mistakes throw <see cref="TriageUserException"/> with a message safe to show.
/// </summary>
public sealed class TriageUseCases : ITriageUseCases
{
    private const int HomeListLimit = 10;
    private const int MaxVersionAttempts = 3;

    /// <summary>
    /// The longest request text triaged (and stored): Slack's limit for one message. Longer text is refused with a
    /// message, so a pasted log file or a crafted request cannot fill the database.
    /// </summary>
    public const int MaxTextLength = 40_000;

    private readonly IOrgProvider _org;
    private readonly DecisionPolicy _policy;
    private readonly IRequestStore _requests;
    private readonly ITimeLedger _ledger;
    private readonly ILeadSettingsStore _settings;
    private readonly TimeProvider _time;
    private readonly DigestDefaults _defaults;
    private readonly Understanding.UnderstandingSetup _understanding;
    private readonly Understanding.LearnedExamples? _learned;
    private readonly Understanding.IRequestReader? _reader;
    private EngineCache? _engine;

    /// <summary>Creates the use cases.</summary>
    /// <param name="org">The org directory provider (may reload; the engine is rebuilt when the directory changes).</param>
    /// <param name="policy">The decision policy.</param>
    /// <param name="requests">Request and decision store.</param>
    /// <param name="ledger">Time ledger.</param>
    /// <param name="settings">Leads' own settings.</param>
    /// <param name="time">Clock.</param>
    /// <param name="defaults">Default digest day and time; Friday 16:00 when null.</param>
    /// <param name="understanding">Vocabulary, sentence model and weights; the built-in vocabulary alone when null.</param>
    /// <param name="learned">The Leads' learned examples; nothing is learned when null.</param>
    /// <param name="reader">The optional LLM reading (off when null).</param>
    public TriageUseCases(IOrgProvider org, DecisionPolicy policy, IRequestStore requests, ITimeLedger ledger, ILeadSettingsStore settings, TimeProvider time, DigestDefaults? defaults = null,
        Understanding.UnderstandingSetup? understanding = null, Understanding.LearnedExamples? learned = null, Understanding.IRequestReader? reader = null)
    {
        _reader = reader;
        _understanding = understanding ?? Understanding.UnderstandingSetup.Lexical;
        _learned = learned;
        _org = org ?? throw new ArgumentNullException(nameof(org));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _requests = requests ?? throw new ArgumentNullException(nameof(requests));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _defaults = defaults ?? DigestDefaults.Default;
    }

    /// <inheritdoc />
    public async Task<TriageResult> TriageAsync(IncomingRequest request, CancellationToken ct = default) =>
        (await EvaluateAsync(request, TriageEvaluationOptions.Record, ct)).Result;

    /// <summary>
    /// Triages a request exactly as <see cref="TriageAsync"/> does (same checks, understanding, policy and store reads) and
    /// stores the request and its decision only when <paramref name="options"/> say so: the default is a dry run that
    /// writes nothing. Also returns the figures the decision was made with (the Lead's hours, budget and ISO week).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="options">Dry run (default) or record, and an optional what-if for the Lead's hours (dry run only).</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<TriageEvaluation> EvaluateAsync(IncomingRequest request, TriageEvaluationOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= TriageEvaluationOptions.DryRun;
        if (options.Store && options.LeadHoursSpent is not null)
        {
            throw new ArgumentException("A what-if for the Lead's hours cannot be recorded: use it in a dry run only.", nameof(options));
        }

        if (options.LeadHoursSpent is { } what && (!double.IsFinite(what) || what < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), what, "The Lead's hours must be a finite number ≥ 0.");
        }

        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw new TriageUserException("The request is empty: paste or forward the message you want me to triage.");
        }

        RequireReasonableLength(request.Text);

        RequireTenant(request.Tenant);
        var org = _org.Directory;
        var lead = RequireLead(org, request.LeadId);
        var now = _time.GetUtcNow();
        var idempotent = options.Store && request.IdempotencyKey is { Length: > 0 };
        var requestId = idempotent ? IdempotentId(request.Tenant, request.IdempotencyKey!) : Guid.CreateVersion7(now);
        if (idempotent && await _requests.GetAsync(request.Tenant, requestId, ct) is not null)
        {
            // A redelivery of a request already triaged: the stored decision, not a second request.
            return await StoredEvaluationAsync(request.Tenant, requestId, lead, now, ct);
        }

        var engine = Engine(org);
        var learned = await LearnedAsync(request.Tenant, engine, ct);
        var analysis = engine.Analyze(request.Text, learned, ct);
        if (_reader is not null)
        {
            // Never fails the request: the reader returns null on any failure, and the embedded reading stands.
            var reading = await _reader.ReadAsync(Understanding.ModelText.Prepare(request.Text, _understanding.Options.ModelInputChars * 4), org.Topics, ct);
            analysis = RequestAnalyzer.WithLlmReading(analysis, reading, id => org.FindTopic(id)?.Name ?? id);
        }

        var topicId = analysis.TopTopic?.TopicId;

        var context = await LoadContextAsync(request.Tenant, lead, now, ct);
        var leadHours = options.LeadHoursSpent ?? context.LeadHours;
        var priorRepeats = topicId is null
            ? 0
            : await _requests.CountTopicForLeadAsync(request.Tenant, lead.Id, topicId, now.AddDays(-_policy.RepeatWindowDays), now.AddMicroseconds(1), RepeatCounting.Cap, ct);

        var input = new TriageInput(request.Text, lead.Id, request.RequesterId, now)
        {
            Analysis = analysis,
            LeadHoursSpentThisWeek = leadHours,
            LeadBudgetHours = context.Stored?.BudgetHours,
            HoursSpentByPerson = context.HoursByPerson,
            RecentRedirectsByPerson = context.RecentRedirects,
            TopicRepeatCount = priorRepeats,
        };
        var decision = engine.Decide(input);

        var requester = org.FindPerson(request.RequesterId);
        var requesterName = requester?.Name
            ?? (string.IsNullOrWhiteSpace(request.RequesterName) ? request.RequesterId : request.RequesterName.Trim());

        var record = new RequestRecord(
            requestId,
            request.Tenant,
            request.Platform,
            request.Channel ?? "",
            request.MessageRef,
            request.MessageLink,
            request.RequesterId,
            requesterName,
            lead.Id,
            request.Text,
            now,
            topicId,
            RequestStatus.Open,
            null,
            null,
            now);
        var version = new DecisionRecord(record.Id, 1, decision, new Dictionary<Question, AnswerValue>(), now);
        if (options.Store)
        {
            try
            {
                await _requests.AddAsync(record, version, ct);
            }
            catch (StoreConflictException) when (idempotent)
            {
                // Two deliveries raced and the other one stored it (if it is not visible yet, the conflict is rethrown and
                // the channel's retry answers from the stored request).
                if (await _requests.GetAsync(request.Tenant, requestId, ct) is null)
                {
                    throw;
                }

                return await StoredEvaluationAsync(request.Tenant, requestId, lead, now, ct);
            }
        }

        var card = DecisionCardPresenter.Present(record, version, org, priorRepeats + (topicId is null ? 0 : 1), _policy);
        return new TriageEvaluation(new TriageResult(record, version, card), options.Store, leadHours, Effective(lead, context.Stored).BudgetHours, context.Week.ToString());
    }

    // The stored request (a redelivery), with the Lead's figures as they are now.
    private async Task<TriageEvaluation> StoredEvaluationAsync(string tenant, Guid requestId, Person lead, DateTimeOffset now, CancellationToken ct)
    {
        var stored = await GetAsync(tenant, requestId, ct);
        var context = await LoadContextAsync(tenant, lead, now, ct);
        return new TriageEvaluation(stored, Recorded: true, context.LeadHours, Effective(lead, context.Stored).BudgetHours, context.Week.ToString());
    }

    /// <summary>
    /// Builds the engine for the current org (topic index, vocabulary links, topic vectors) and reads one request, so
    /// the first real request does not pay for it. Call at start-up.
    /// </summary>
    public void WarmUp()
    {
        var engine = Engine(_org.Directory);
        engine.Analyze("warm-up: how should we set this up for next quarter?", null);
    }

    /// <inheritdoc />
    public async Task<TriageResult> GetAsync(string tenant, Guid requestId, CancellationToken ct = default)
    {
        var request = await RequireRequestAsync(tenant, requestId, ct);
        var decision = await RequireDecisionAsync(tenant, requestId, ct);
        return new TriageResult(request, decision, await PresentAsync(request, decision, ct));
    }

    /// <inheritdoc />
    public async Task<TriageResult> OverrideAsync(string tenant, Guid requestId, string leadId, Question question, AnswerValue value, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(question))
        {
            throw new TriageUserException("That is not one of the four questions.");
        }

        if (!DecisionCardPresenter.IsAllowed(question, value))
        {
            var allowed = string.Join(", ", DecisionCardPresenter.AllowedValues(question).Select(DecisionCardPresenter.ValueText));
            throw new TriageUserException($"\"{DecisionCardPresenter.QuestionLabel(question)}\" can be answered {allowed}.");
        }

        var request = await RequireRequestAsync(tenant, requestId, ct);
        RequireOwnLead(request, leadId);
        var org = _org.Directory;
        var lead = RequireLead(org, request.LeadId);
        var repeats = await RepeatCountAtAsync(request, ct);

        // Two overrides at once (double click, two devices) race for the next version number: the loser re-reads the
        // latest version, applies its change on top of it and tries again, so no override is lost.
        for (var attempt = 1; ; attempt++)
        {
            var latest = await RequireDecisionAsync(tenant, requestId, ct);
            var now = _time.GetUtcNow();
            var overrides = new Dictionary<Question, AnswerValue>(latest.Overrides) { [question] = value };
            var context = await LoadContextAsync(tenant, lead, now, ct);
            var input = new TriageInput(request.Text, lead.Id, request.RequesterId, now)
            {
                // Keep what was understood from the text; only the Lead's answers change.
                Analysis = latest.Decision.Analysis,
                Overrides = overrides,
                LeadHoursSpentThisWeek = context.LeadHours,
                LeadBudgetHours = context.Stored?.BudgetHours,
                HoursSpentByPerson = context.HoursByPerson,
                RecentRedirectsByPerson = context.RecentRedirects,
                TopicRepeatCount = Math.Max(0, repeats - 1),
            };
            var decision = Engine(org).Decide(input);
            var next = new DecisionRecord(request.Id, latest.Version + 1, decision, overrides, now);
            try
            {
                await _requests.AddDecisionAsync(tenant, next, ct);
            }
            catch (Exception) when (attempt < MaxVersionAttempts && !ct.IsCancellationRequested)
            {
                if (await LatestVersionAsync(tenant, requestId) > latest.Version)
                {
                    continue;
                }

                throw;
            }

            var card = DecisionCardPresenter.Present(request, next, org, repeats, _policy);
            return new TriageResult(request, next, card);
        }
    }

    /// <inheritdoc />
    public async Task<TriageResult> CorrectTopicAsync(string tenant, Guid requestId, string leadId, string topicId, CancellationToken ct = default)
    {
        var org = _org.Directory;
        var chosen = string.IsNullOrWhiteSpace(topicId) ? null : org.FindTopic(topicId.Trim());
        if (chosen is null)
        {
            var shown = topicId is null ? "" : topicId.Length > 40 ? topicId[..40] + "…" : topicId;
            throw new TriageUserException($"I don't know the topic \"{shown}\": pick one of the topics in the list.");
        }

        var request = await RequireRequestAsync(tenant, requestId, ct);
        RequireOwnLead(request, leadId);
        var lead = RequireLead(org, request.LeadId);
        var repeats = await RepeatCountAtAsync(request, ct);
        for (var attempt = 1; ; attempt++)
        {
            var latest = await RequireDecisionAsync(tenant, requestId, ct);
            var now = _time.GetUtcNow();
            var before = latest.Decision.Analysis;
            var wasClarify = before.TopTopic is null;
            var corrected = new Analysis.TopicMatch(chosen.Id, before.Topics.FirstOrDefault(t => t.TopicId == chosen.Id)?.Score ?? 0, [])
            {
                Confidence = 1,
                Evidence = [new Understanding.TopicEvidence(Understanding.EvidenceSource.Lead, chosen.Name, $"{lead.Name} chose {chosen.Name}")],
            };
            var analysis = before with
            {
                Topics = [corrected, .. before.Topics.Where(t => t.TopicId != chosen.Id)],
                Guesses = [],
            };
            var context = await LoadContextAsync(tenant, lead, now, ct);
            var input = new TriageInput(request.Text, lead.Id, request.RequesterId, now)
            {
                Analysis = analysis,
                Overrides = latest.Overrides,
                LeadHoursSpentThisWeek = context.LeadHours,
                LeadBudgetHours = context.Stored?.BudgetHours,
                HoursSpentByPerson = context.HoursByPerson,
                RecentRedirectsByPerson = context.RecentRedirects,
                TopicRepeatCount = Math.Max(0, repeats - 1),
            };
            var decision = Engine(org).Decide(input);
            var next = new DecisionRecord(request.Id, latest.Version + 1, decision, latest.Overrides, now);
            try
            {
                await _requests.AddDecisionAsync(tenant, next, ct);
            }
            catch (Exception) when (attempt < MaxVersionAttempts && !ct.IsCancellationRequested)
            {
                if (await LatestVersionAsync(tenant, requestId) > latest.Version)
                {
                    continue;
                }

                throw;
            }

            await LearnAsync(request, chosen.Id, wasClarify ? Understanding.ExampleSource.ClarifyPick : Understanding.ExampleSource.Correction, ct);
            var card = DecisionCardPresenter.Present(request, next, org, repeats, _policy);
            return new TriageResult(request, next, card);
        }
    }

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

        await _requests.UpdateStatusAsync(tenant, requestId, RequestStatus.Clarified, null, null, now, ct);
        var updated = request with { Status = RequestStatus.Clarified, OwnerType = null, OwnerId = null, UpdatedAt = now };
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

    /// <summary>Effective settings of a Lead: their own settings over the org file over the defaults.</summary>
    internal EffectiveLeadSettings Effective(Person lead, LeadSettings? stored)
    {
        var budget = stored?.BudgetHours ?? lead.HelpBudgetHours ?? _policy.DefaultBudgetHours;
        var day = stored?.DigestDay ?? lead.Digest?.Day ?? _defaults.Day;
        var time = stored?.DigestTime ?? lead.Digest?.Time ?? _defaults.Time;
        var zoneId = stored?.TimeZone ?? lead.TimeZone;
        var zone = TimeZones.TryFindIana(zoneId, out var found) ? found.Id : "UTC";
        return new EffectiveLeadSettings(budget, day, time, zone);
    }

    private async Task<EffectiveLeadSettings> EffectiveAsync(string tenant, Person lead, CancellationToken ct) =>
        Effective(lead, await _settings.GetAsync(tenant, lead.Id, ct));

    private sealed record TriageContext(LeadSettings? Stored, IsoWeekId Week, double LeadHours, IReadOnlyDictionary<string, double> HoursByPerson, IReadOnlyDictionary<string, int> RecentRedirects);

    // What the engine needs from the stores: this week's hours (Lead's timezone and ISO week), budget, recent redirects.
    private async Task<TriageContext> LoadContextAsync(string tenant, Person lead, DateTimeOffset now, CancellationToken ct)
    {
        var stored = await _settings.GetAsync(tenant, lead.Id, ct);
        var zone = TimeZones.FindOrUtc(Effective(lead, stored).TimeZone);
        var week = IsoWeekId.FromInstant(now, zone);
        var (start, end) = week.GetUtcBounds(zone);
        var minutes = await _ledger.LoggedMinutesByLeadAsync(tenant, start, end, ct);
        var hours = ToHours(minutes);
        var redirects = await _requests.CountRedirectsByOwnerAsync(tenant, now.AddDays(-_policy.RepeatWindowDays), ct);
        return new TriageContext(stored, week, hours.GetValueOrDefault(lead.Id), hours, redirects);
    }

    private async Task<double> LeadWeekHoursAsync(string tenant, string leadId, TimeZoneInfo zone, DateTimeOffset now, CancellationToken ct)
    {
        var (start, end) = IsoWeekId.FromInstant(now, zone).GetUtcBounds(zone);
        var minutes = await _ledger.LoggedMinutesByLeadAsync(tenant, start, end, ct);
        return minutes.GetValueOrDefault(leadId) / 60.0;
    }

    // Requests on the request's topic that reached its Lead in [received − window, received], this one included.
    private async Task<int> RepeatCountAtAsync(RequestRecord request, CancellationToken ct)
    {
        if (request.TopicId is null)
        {
            return 0;
        }

        // This request plus up to Cap earlier ones, so a capped count still reads "more than 100".
        var count = await _requests.CountTopicForLeadAsync(
            request.Tenant, request.LeadId, request.TopicId, request.ReceivedAt.AddDays(-_policy.RepeatWindowDays), request.ReceivedAt.AddMicroseconds(1), RepeatCounting.Cap + 1, ct);
        return Math.Max(1, count);
    }

    private async Task<DecisionCard> PresentAsync(RequestRecord request, DecisionRecord decision, CancellationToken ct) =>
        DecisionCardPresenter.Present(request, decision, _org.Directory, await RepeatCountAtAsync(request, ct), _policy);

    private static string RedirectMessage(OrgDirectory org, RequestRecord request, Decision decision, Owner owner)
    {
        var leadName = org.FindPerson(request.LeadId)?.Name ?? request.LeadId;
        var topicId = decision.Analysis.TopTopic?.TopicId;
        var topic = topicId is null ? null : org.FindTopic(topicId)?.Name ?? topicId;
        var skill = owner.Type == OwnerType.Person && topicId is not null ? org.FindPerson(owner.Id)?.SkillOn(topicId) ?? 0 : 0;
        return Messages.Redirect(request.RequesterName, leadName, owner, topic, skill);
    }

    private static Owner ResolveOwner(OrgDirectory org, RequestRecord request, Decision decision, string? ownerId)
    {
        if (string.IsNullOrWhiteSpace(ownerId))
        {
            return decision.Owners.Count > 0
                ? decision.Owners[0]
                : throw new TriageUserException("There is no suggested owner for this request. Name a person or a team to redirect to.");
        }

        var id = ownerId.Trim();
        if (string.Equals(id, request.LeadId, StringComparison.Ordinal))
        {
            throw new TriageUserException("You can't redirect a request to yourself: take it instead.");
        }

        var suggested = decision.Owners.FirstOrDefault(o => string.Equals(o.Id, id, StringComparison.Ordinal));
        if (suggested is not null)
        {
            return suggested;
        }

        if (org.FindPerson(id) is { } person)
        {
            if (string.Equals(person.Id, request.RequesterId, StringComparison.Ordinal))
            {
                throw new TriageUserException("That's the person who asked; pick someone else to redirect to.");
            }

            var skill = request.TopicId is null ? 0 : person.SkillOn(request.TopicId);
            var why = skill > 0 && request.TopicId is not null
                ? $"level {skill}/5 on {DecisionCardPresenter.TopicName(org, request.TopicId)}"
                : "chosen by the Lead";
            return new Owner(OwnerType.Person, person.Id, person.Name, null, why);
        }

        if (org.FindTeam(id) is { } team)
        {
            var why = team.Service ? "their team exists to help with this" : "chosen by the Lead";
            return new Owner(OwnerType.Team, team.Id, team.Name, team.Intake, why);
        }

        var shown = id.Length > 40 ? id[..40] + "…" : id;
        throw new TriageUserException($"I don't know \"{shown}\": redirect to a person or team id from the org file.");
    }

    private async Task<Understanding.LearnedSet?> LearnedAsync(string tenant, TriageEngine engine, CancellationToken ct) =>
        _learned is null ? null : await _learned.GetAsync(tenant, _understanding.Options.Embeddings ? _understanding.Embedder : null, ct);

    // Taking or redirecting confirms the topic the card showed: that request becomes an example for the tenant.
    private Task LearnFromActionAsync(RequestRecord request, DecisionRecord decision, Understanding.ExampleSource source, CancellationToken ct) =>
        decision.Decision.Analysis.TopTopic is { } top ? LearnAsync(request, top.TopicId, source, ct) : Task.CompletedTask;

    private async Task LearnAsync(RequestRecord request, string topicId, Understanding.ExampleSource source, CancellationToken ct)
    {
        if (_learned is null)
        {
            return;
        }

        var engine = Engine(_org.Directory);
        var text = request.Text.Length > Understanding.LearnedExamples.MaxTextLength ? request.Text[..Understanding.LearnedExamples.MaxTextLength] : request.Text;
        var vector = engine.Analyzer.EmbedForExample(text);
        await _learned.LearnAsync(
            new Understanding.LearnedExample(request.Tenant, request.Id, request.LeadId, topicId, text, source, _time.GetUtcNow(), vector, engine.Analyzer.EmbedderModel),
            ct);
    }

    /// <summary>A stable id for (tenant, key): SHA-256, first 16 bytes, marked as an RFC 9562 version 8 (custom) UUID.</summary>
    internal static Guid IdempotentId(string tenant, string key)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenant + "\n" + key));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private TriageEngine Engine(OrgDirectory org)
    {
        // The org provider may reload the file; rebuild the engine (and its indexes) only when the directory changes.
        var cached = Volatile.Read(ref _engine);
        if (cached is not null && ReferenceEquals(cached.Directory, org))
        {
            return cached.Engine;
        }

        var fresh = new EngineCache(org, new TriageEngine(org, _policy, _understanding));
        Volatile.Write(ref _engine, fresh);
        return fresh.Engine;
    }

    private sealed record EngineCache(OrgDirectory Directory, TriageEngine Engine);

    private static void RequireReasonableLength(string text)
    {
        if (text.Length > MaxTextLength)
        {
            throw new TriageUserException(
                $"That request is {text.Length:N0} characters long; I triage up to {MaxTextLength:N0} (the length of the longest Slack message). Paste the part that says what is needed.");
        }
    }

    /// <summary>
    /// The Lead with this org id, or a <see cref="TriageUserException"/> when there is no such person or they are not a
    /// Lead: the one refusal (and wording) every surface uses, the CLI included.
    /// </summary>
    /// <param name="org">The org directory.</param>
    /// <param name="leadId">The Lead's org id.</param>
    public static Person RequireLead(OrgDirectory org, string? leadId)
    {
        ArgumentNullException.ThrowIfNull(org);
        if (string.IsNullOrWhiteSpace(leadId) || org.FindPerson(leadId) is not { } lead)
        {
            var shown = leadId is null ? "" : leadId.Length > 40 ? leadId[..40] + "…" : leadId;
            throw new TriageUserException($"I don't know a Lead called \"{shown}\" in the org file. Check the id (or your slack_id / teams_id / email mapping) in the org file.");
        }

        if (!lead.IsLead)
        {
            // The chat adapters send non-Leads to "who to ask"; the CLI and the playground get the same rule here.
            throw new TriageUserException(
                $"{lead.Name} is not a Lead in the org file (level {lead.Level.ToString().ToLowerInvariant()}; Leads are lead, staff or principal). Use \"who\" to find who to ask, or change their level in the org file.");
        }

        return lead;
    }

    private static void RequireTenant(string? tenant)
    {
        if (string.IsNullOrWhiteSpace(tenant))
        {
            throw new ArgumentException("A tenant is required.", nameof(tenant));
        }
    }

    private async Task<RequestRecord> RequireRequestAsync(string tenant, Guid requestId, CancellationToken ct)
    {
        RequireTenant(tenant);
        return await _requests.GetAsync(tenant, requestId, ct)
            ?? throw new TriageUserException("I can't find that request any more. Triage the message again.");
    }

    private async Task<int> LatestVersionAsync(string tenant, Guid requestId) =>
        (await _requests.GetLatestDecisionAsync(tenant, requestId, CancellationToken.None))?.Version ?? 0;

    private async Task<DecisionRecord> RequireDecisionAsync(string tenant, Guid requestId, CancellationToken ct) =>
        await _requests.GetLatestDecisionAsync(tenant, requestId, ct)
            ?? throw new TriageUserException("That request has no decision yet. Triage the message again.");

    private static void RequireOwnLead(RequestRecord request, string? leadId)
    {
        if (!string.Equals(request.LeadId, leadId, StringComparison.Ordinal))
        {
            throw new TriageUserException("Only the Lead this request was sent to can act on it.");
        }
    }

    private static void RequireNotFinished(RequestRecord request)
    {
        if (request.Status == RequestStatus.Done)
        {
            throw new TriageUserException("This request is already done.");
        }
    }

    private static HelpMode ModeOf(Decision decision)
    {
        if (decision.Mode is { } mode)
        {
            return mode;
        }

        // Taking what the engine would have redirected: infer the mode from the answers and the kind of ask.
        if (decision.Answers.Any(a => a.Question == Question.Reuse && a.Value == AnswerValue.Yes))
        {
            return HelpMode.Teach;
        }

        return decision.Analysis.Kind == AskKind.Review ? HelpMode.Review : HelpMode.Do;
    }

    private static HelpKind KindOf(HelpMode mode) => mode switch
    {
        HelpMode.Teach => HelpKind.Teach,
        HelpMode.Review => HelpKind.Review,
        _ => HelpKind.Do,
    };

    private static string? TopicNameOrNull(OrgDirectory org, string? topicId) =>
        topicId is null ? null : org.FindTopic(topicId)?.Name ?? topicId;

    private static Dictionary<string, double> ToHours(IReadOnlyDictionary<string, int> minutes) =>
        minutes.ToDictionary(kv => kv.Key, kv => kv.Value / 60.0, StringComparer.Ordinal);
}
