using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.UseCases;

// What the use cases share: context loading, learning, the engine cache and the checks that turn mistakes into messages.
public sealed partial class TriageUseCases
{
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
                $"{lead.Name} is not a Lead in the org file (level {lead.Level.ToString().ToLowerInvariant()}; Leads are lead, staff or principal). Use \"who\" to find who to ask, or change their level in the org file.", UserErrorKind.NotAllowed);
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
            ?? throw new TriageUserException("I can't find that request any more. Triage the message again.", UserErrorKind.NotFound);
    }

    private async Task<int> LatestVersionAsync(string tenant, Guid requestId) =>
        (await _requests.GetLatestDecisionAsync(tenant, requestId, CancellationToken.None))?.Version ?? 0;

    private async Task<DecisionRecord> RequireDecisionAsync(string tenant, Guid requestId, CancellationToken ct) =>
        await _requests.GetLatestDecisionAsync(tenant, requestId, ct)
            ?? throw new TriageUserException("That request has no decision yet. Triage the message again.", UserErrorKind.NotFound);

    private static void RequireOwnLead(RequestRecord request, string? leadId)
    {
        if (!string.Equals(request.LeadId, leadId, StringComparison.Ordinal))
        {
            throw new TriageUserException("Only the Lead this request was sent to can act on it.", UserErrorKind.NotAllowed);
        }
    }

    private static void RequireNotFinished(RequestRecord request)
    {
        if (request.Status == RequestStatus.Done)
        {
            throw new TriageUserException("This request is already done.", UserErrorKind.Conflict);
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

    // Reading a request with the sentence model is CPU-bound: at most ModelConcurrency run at once, the rest wait
    // asynchronously, so a burst of queued requests cannot take every core from the acknowledgements.
    private ValueTask<RequestAnalysis> AnalyzeAsync(TriageEngine engine, string text, Understanding.LearnedSet? learned, CancellationToken ct) =>
        _modelGate is null ? ValueTask.FromResult(engine.Analyze(text, learned, ct)) : _modelGate.RunAsync(() => engine.Analyze(text, learned, ct), ct);
}
