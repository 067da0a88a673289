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
public sealed partial class TriageUseCases : ITriageUseCases
{
    // How much of a request is stripped of Slack markup for the language model (which applies its own MaxInputChars).
    private const int LlmPreparedChars = 2_048;

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
    private readonly Understanding.ModelGate? _modelGate;
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
        if (_understanding.Embedder is not null && _understanding.Options.Embeddings)
        {
            _modelGate = new Understanding.ModelGate(_understanding.Options.EffectiveModelConcurrency(Environment.ProcessorCount));
        }

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
        if (idempotent && await _requests.GetAsync(request.Tenant, requestId, ct) is { } existing)
        {
            // A redelivery of a request already triaged: the stored decision, not a second request.
            RequireSameRequest(existing, lead.Id, request);
            return await StoredEvaluationAsync(request.Tenant, requestId, lead, now, ct);
        }

        var engine = Engine(org);
        var learned = await LearnedAsync(request.Tenant, engine, ct);
        var analysis = await AnalyzeAsync(engine, request.Text, learned, ct);
        if (_reader is not null)
        {
            // Never fails the request: the reader returns null on any failure, and the embedded reading stands.
            var reading = await _reader.ReadAsync(Understanding.ModelText.Prepare(request.Text, LlmPreparedChars), org.Topics, ct);
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
                if (await _requests.GetAsync(request.Tenant, requestId, ct) is not { } raced)
                {
                    throw;
                }

                RequireSameRequest(raced, lead.Id, request);
                return await StoredEvaluationAsync(request.Tenant, requestId, lead, now, ct);
            }
        }

        var card = DecisionCardPresenter.Present(record, version, org, priorRepeats + (topicId is null ? 0 : 1), _policy);
        return new TriageEvaluation(new TriageResult(record, version, card), options.Store, leadHours, Effective(lead, context.Stored).BudgetHours, context.Week.ToString());
    }

    // A key names one request: the same key with another Lead or text is a caller's mistake, and answering
    // with the stored request would drop the new one without a word.
    // The requester is not compared: a chat redelivery can name them differently (a directory lookup that failed once,
    // an org reload that added their Slack id), and the same text to the same Lead is the same request.
    private static void RequireSameRequest(RequestRecord stored, string leadId, IncomingRequest incoming)
    {
        if (!string.Equals(stored.LeadId, leadId, StringComparison.Ordinal)
            || !string.Equals(stored.Text, incoming.Text, StringComparison.Ordinal))
        {
            throw new TriageUserException(
                "That idempotency key was already used for a different request (another Lead or text). Send each new request with a new key; repeat a key only to resend the same request.",
                UserErrorKind.Conflict);
        }
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
            if (latest.Overrides.TryGetValue(question, out var already) && already == value)
            {
                // The same override again: the decision it gave stands, no new version.
                return new TriageResult(request, latest, DecisionCardPresenter.Present(request, latest, org, repeats, _policy)) { Changed = false };
            }

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
        // "No topic" (a follow-up, a hello): the decision becomes clarify, and the bot learns the request names none.
        var noTopic = string.Equals(topicId?.Trim(), Understanding.LearnedExample.NoTopic, StringComparison.Ordinal);
        var chosen = noTopic || string.IsNullOrWhiteSpace(topicId) ? null : org.FindTopic(topicId.Trim());
        if (chosen is null && !noTopic)
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
            var already = chosen is null
                ? before.TopTopic is null && before.ClarifyReason == Analysis.ClarifyReason.NoTopicByLead
                : before.TopTopic is { } current && current.TopicId == chosen.Id && current.Evidence.Any(e => e.Source == Understanding.EvidenceSource.Lead);
            if (already)
            {
                // The same correction again (a double click, a retried call): already decided. Learning again is an
                // upsert by request, and it completes a first attempt that stored the version but failed to learn.
                await LearnAsync(request, chosen?.Id ?? Understanding.LearnedExample.NoTopic, Understanding.ExampleSource.Correction, ct);
                return new TriageResult(request, latest, DecisionCardPresenter.Present(request, latest, org, repeats, _policy)) { Changed = false };
            }

            var wasClarify = before.TopTopic is null;
            var analysis = chosen is null
                ? before with { Topics = [], Guesses = [], ClarifyReason = Analysis.ClarifyReason.NoTopicByLead }
                : before with
                {
                    Topics =
                    [
                        new Analysis.TopicMatch(chosen.Id, before.Topics.FirstOrDefault(t => t.TopicId == chosen.Id)?.Score ?? 0, [])
                        {
                            Confidence = 1,
                            Evidence = [new Understanding.TopicEvidence(Understanding.EvidenceSource.Lead, chosen.Name, $"{lead.Name} chose {chosen.Name}")],
                        },
                        .. before.Topics.Where(t => t.TopicId != chosen.Id),
                    ],
                    Guesses = [],
                    ClarifyReason = Analysis.ClarifyReason.None,
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

            await LearnAsync(request, chosen?.Id ?? Understanding.LearnedExample.NoTopic,
                wasClarify && chosen is not null ? Understanding.ExampleSource.ClarifyPick : Understanding.ExampleSource.Correction, ct);
            var card = DecisionCardPresenter.Present(request, next, org, repeats, _policy);
            return new TriageResult(request, next, card);
        }
    }
}
