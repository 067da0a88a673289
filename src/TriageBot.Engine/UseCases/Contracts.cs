using TriageBot.Engine.Decisions;
using TriageBot.Engine.Digest;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.UseCases;

/// <summary>A request arriving from any adapter, already mapped to org ids.</summary>
/// <param name="Tenant">Tenant key ("slack:T123", "teams:&lt;tenant&gt;", "local").</param>
/// <param name="Platform">Platform.</param>
/// <param name="Channel">Channel or conversation id.</param>
/// <param name="MessageRef">Reference to the original message (for thread replies), if any.</param>
/// <param name="MessageLink">Permalink, if any.</param>
/// <param name="RequesterId">Org id of the requester, or the platform id of an outsider.</param>
/// <param name="RequesterName">Requester's display name.</param>
/// <param name="LeadId">Org id of the Lead.</param>
/// <param name="Text">Request text.</param>
public sealed record IncomingRequest(
    string Tenant,
    Platform Platform,
    string Channel,
    string? MessageRef,
    string? MessageLink,
    string RequesterId,
    string RequesterName,
    string LeadId,
    string Text)
{
    /// <summary>
    /// Makes the triage idempotent: requests with the same key (per tenant) get the same id, so a platform's redelivery
    /// of the same event returns the request stored the first time instead of storing a second one. Null: always new.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>An action a decision card offers.</summary>
public enum CardAction
{
    /// <summary>Take the request.</summary>
    Take,
    /// <summary>Redirect to the first suggested owner (editable message).</summary>
    Redirect,
    /// <summary>Ask the requester for details.</summary>
    AskForDetails,
    /// <summary>Override one of the four answers.</summary>
    Override,
    /// <summary>Log time on the request.</summary>
    LogTime,
    /// <summary>Mark the request done.</summary>
    Done,
    /// <summary>Correct the topic (or pick one of the guesses offered with clarify); the decision is recomputed and the bot learns.</summary>
    CorrectTopic,
}

/// <summary>A topic the Lead can pick on the card.</summary>
/// <param name="Id">Topic id (adapters put it in the action's value).</param>
/// <param name="Name">Display name.</param>
public sealed record TopicChoice(string Id, string Name);

/// <summary>One of the four answers, worded for display.</summary>
/// <param name="Question">Which question.</param>
/// <param name="Label">The question as shown ("Am I exceptionally skilled?").</param>
/// <param name="Value">The answer.</param>
/// <param name="ValueText">The answer as shown ("Yes", "No", "Unsure", "Long", "Short").</param>
/// <param name="Why">One-line reason.</param>
/// <param name="Overridden">True when the Lead set it.</param>
/// <param name="Choices">The values the Lead may override it with.</param>
public sealed record AnswerLine(Question Question, string Label, AnswerValue Value, string ValueText, string Why, bool Overridden, IReadOnlyList<AnswerValue> Choices);

/// <summary>
/// The chat-neutral decision card every adapter renders (Slack Block Kit, Teams Adaptive Card, playground HTML).
/// All wording lives here, once; adapters only style it and escape user text.
/// </summary>
/// <param name="RequestId">Request id (adapters put it in button values).</param>
/// <param name="Version">Decision version shown.</param>
/// <param name="Outcome">Decision outcome.</param>
/// <param name="Status">The request's current status.</param>
/// <param name="Headline">E.g. "Redirect to ML Platform" / "Take it: teach (timeboxed)" / "Clarify: what is this about?".</param>
/// <param name="Summary">One or two sentences explaining the decision.</param>
/// <param name="RequesterName">Who asked.</param>
/// <param name="RequestExcerpt">The request text, shortened for display (untrusted: escape when rendering).</param>
/// <param name="Topics">Topic names understood, best first.</param>
/// <param name="Answers">The four answers.</param>
/// <param name="Owners">Suggested owners, best first.</param>
/// <param name="HowToHelp">Suggested engagement when taking, e.g. "20-minute pairing (about 30 min)".</param>
/// <param name="RepeatNotice">Shown when the topic reached the Lead 3+ times in 4 weeks, suggesting a write-up or group session.</param>
/// <param name="RuleText">The rule that fired, in plain words.</param>
/// <param name="Actions">Actions to offer.</param>
public sealed record DecisionCard(
    Guid RequestId,
    int Version,
    DecisionOutcome Outcome,
    RequestStatus Status,
    string Headline,
    string Summary,
    string RequesterName,
    string RequestExcerpt,
    IReadOnlyList<string> Topics,
    IReadOnlyList<AnswerLine> Answers,
    IReadOnlyList<Owner> Owners,
    string? HowToHelp,
    string? RepeatNotice,
    string RuleText,
    IReadOnlyList<CardAction> Actions)
{
    /// <summary>The main topic's id (null with clarify).</summary>
    public string? TopicId { get; init; }

    /// <summary>The main topic's confidence, 0..1 (null with clarify).</summary>
    public double? TopicConfidence { get; init; }

    /// <summary>Why the main topic was found, one line per piece of evidence with where it came from (at most four).</summary>
    public IReadOnlyList<string> TopicEvidence { get; init; } = [];

    /// <summary>"Decided like 3 requests you triaged before", when the Leads' own examples decided the topic.</summary>
    public string? LearnedNote { get; init; }

    /// <summary>With clarify: the best guesses, offered as buttons ("It's about Forecasting"); picking one also teaches the bot.</summary>
    public IReadOnlyList<TopicChoice> Guesses { get; init; } = [];

    /// <summary>Every topic the Lead can pick to correct the topic ("Not about Causal inference? Pick the topic").</summary>
    public IReadOnlyList<TopicChoice> TopicChoices { get; init; } = [];

    /// <summary>The label of the topic correction control.</summary>
    public string? CorrectTopicLabel { get; init; }
}

/// <summary>The result of triaging (or re-deciding) a request.</summary>
/// <param name="Request">The stored request.</param>
/// <param name="Decision">The latest decision version.</param>
/// <param name="Card">What to show.</param>
public sealed record TriageResult(RequestRecord Request, DecisionRecord Decision, DecisionCard Card)
{
    /// <summary>False when the call changed nothing (the same correction or override again): no new version was stored.</summary>
    public bool Changed { get; init; } = true;
}

/// <summary>Whether <see cref="TriageUseCases.EvaluateAsync"/> stores what it decides, and what-ifs for a dry run.</summary>
public sealed record TriageEvaluationOptions
{
    /// <summary>A dry run: decide, store nothing.</summary>
    public static TriageEvaluationOptions DryRun { get; } = new();

    /// <summary>Decide and store the request with its decision (what <see cref="ITriageUseCases.TriageAsync"/> does).</summary>
    public static TriageEvaluationOptions Record { get; } = new() { Store = true };

    /// <summary>True to store the request and its first decision; false (the default) for a dry run.</summary>
    public bool Store { get; init; }

    /// <summary>
    /// What-if: the Lead's help hours already spent this week, instead of what the ledger says. Dry run only (a decision
    /// made on hypothetical hours is never stored).
    /// </summary>
    public double? LeadHoursSpent { get; init; }
}

/// <summary>A triage decision with the figures it was made with.</summary>
/// <param name="Result">Request, decision and card (the request is not in the store when <paramref name="Recorded"/> is false).</param>
/// <param name="Recorded">True when the request and its decision are in the store.</param>
/// <param name="LeadHoursSpent">The Lead's help hours this week the decision used.</param>
/// <param name="LeadBudgetHours">The Lead's effective weekly budget.</param>
/// <param name="IsoWeek">The ISO week, in the Lead's timezone, the hours were counted in.</param>
public sealed record TriageEvaluation(TriageResult Result, bool Recorded, double LeadHoursSpent, double LeadBudgetHours, string IsoWeek);

/// <summary>The result of a redirect: the owner and the polite message for the requester.</summary>
/// <param name="Request">The updated request.</param>
/// <param name="Owner">Who the requester is pointed to.</param>
/// <param name="Message">The message for the requester: who/which intake, why, and what to include. Never a brush-off.</param>
/// <param name="Card">The updated card.</param>
public sealed record RedirectResult(RequestRecord Request, Owner Owner, string Message, DecisionCard Card);

/// <summary>The result of asking for details.</summary>
/// <param name="Request">The updated request.</param>
/// <param name="Message">The question for the requester.</param>
/// <param name="Card">The updated card.</param>
public sealed record ClarifyResult(RequestRecord Request, string Message, DecisionCard Card);

/// <summary>The result of taking a request.</summary>
/// <param name="Request">The updated request.</param>
/// <param name="Estimate">The estimate entry logged, if one was given.</param>
/// <param name="Confirmation">Short confirmation text for the Lead.</param>
/// <param name="Card">The updated card.</param>
public sealed record TakeResult(RequestRecord Request, TimeEntry? Estimate, string Confirmation, DecisionCard Card);

/// <summary>The result of logging time.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="WeekHours">The Lead's logged help hours this week, after the entry.</param>
/// <param name="BudgetHours">The Lead's weekly budget.</param>
/// <param name="Confirmation">Short confirmation text ("Logged 1h15m on … — 4.5 h of 6 h this week").</param>
public sealed record LogTimeResult(TimeEntry Entry, double WeekHours, double BudgetHours, string Confirmation);

/// <summary>The result of marking a request done.</summary>
/// <param name="Request">The updated request.</param>
/// <param name="Confirmation">Short confirmation text.</param>
public sealed record DoneResult(RequestRecord Request, string Confirmation);

/// <summary>The Lead's week at a glance (Slack App Home, playground header).</summary>
/// <param name="LeadId">Lead id.</param>
/// <param name="LeadName">Lead name.</param>
/// <param name="IsoWeek">Current ISO week in the Lead's timezone.</param>
/// <param name="HoursSpent">Logged hours this week.</param>
/// <param name="BudgetHours">Weekly budget.</param>
/// <param name="OpenTaken">Requests taken and not done, newest first.</param>
/// <param name="RecentRedirects">Recent redirects, newest first.</param>
/// <param name="Settings">Effective settings (budget, digest day/time, timezone).</param>
public sealed record LeadHome(string LeadId, string LeadName, string IsoWeek, double HoursSpent, double BudgetHours, IReadOnlyList<RequestRecord> OpenTaken, IReadOnlyList<RequestRecord> RecentRedirects, EffectiveLeadSettings Settings);

/// <summary>A Lead's effective settings after applying their own settings over the org file and defaults.</summary>
/// <param name="BudgetHours">Weekly help budget.</param>
/// <param name="DigestDay">Digest day.</param>
/// <param name="DigestTime">Digest local time.</param>
/// <param name="TimeZone">IANA timezone.</param>
public sealed record EffectiveLeadSettings(double BudgetHours, DayOfWeek DigestDay, TimeOnly DigestTime, string TimeZone);

/// <summary>A change to a Lead's settings; null fields stay as they are.</summary>
/// <param name="BudgetHours">New budget (0–60 h).</param>
/// <param name="DigestDay">New digest day.</param>
/// <param name="DigestTime">New digest time.</param>
/// <param name="TimeZone">New IANA timezone.</param>
public sealed record SettingsChange(double? BudgetHours = null, DayOfWeek? DigestDay = null, TimeOnly? DigestTime = null, string? TimeZone = null);

/// <summary>
/// The use cases every adapter calls. User mistakes throw <see cref="TriageUserException"/> with a friendly message;
/// anything else is a bug or an infrastructure failure.
/// </summary>
public interface ITriageUseCases
{
    /// <summary>Triages a request for its Lead and records request and decision.</summary>
    Task<TriageResult> TriageAsync(IncomingRequest request, CancellationToken ct = default);

    /// <summary>Gets the current card of a request (latest decision).</summary>
    Task<TriageResult> GetAsync(string tenant, Guid requestId, CancellationToken ct = default);

    /// <summary>The Lead overrides one answer; the decision is recomputed and stored as a new version (both kept).</summary>
    Task<TriageResult> OverrideAsync(string tenant, Guid requestId, string leadId, Question question, AnswerValue value, CancellationToken ct = default);

    /// <summary>
    /// The Lead corrects the topic (or picks one of the guesses offered with clarify): the decision is recomputed on
    /// that topic as a new version, and the request becomes a learned example for the tenant, used at once.
    /// </summary>
    Task<TriageResult> CorrectTopicAsync(string tenant, Guid requestId, string leadId, string topicId, CancellationToken ct = default);

    /// <summary>The Lead takes the request, optionally with an estimate ("30m", "1h15m", "1.5h").</summary>
    Task<TakeResult> TakeAsync(string tenant, Guid requestId, string leadId, string? estimate = null, CancellationToken ct = default);

    /// <summary>The redirect message the requester would get, for the Lead to edit before sending. <paramref name="ownerId"/> null means the first suggested owner.</summary>
    Task<RedirectResult> PreviewRedirectAsync(string tenant, Guid requestId, string leadId, string? ownerId = null, CancellationToken ct = default);

    /// <summary>Redirects the request to an owner; <paramref name="message"/> replaces the suggested text when the Lead edited it.</summary>
    Task<RedirectResult> RedirectAsync(string tenant, Guid requestId, string leadId, string? ownerId = null, string? message = null, CancellationToken ct = default);

    /// <summary>Asks the requester for details (for <c>clarify</c>).</summary>
    Task<ClarifyResult> ClarifyAsync(string tenant, Guid requestId, string leadId, string? message = null, CancellationToken ct = default);

    /// <summary>Logs time ("30m", "1h15m", "1.5h") on a request, or on the Lead's latest taken request when <paramref name="requestId"/> is null.</summary>
    Task<LogTimeResult> LogTimeAsync(string tenant, string leadId, string duration, Guid? requestId = null, string? note = null, HelpKind? kind = null, CancellationToken ct = default);

    /// <summary>Marks a request done, or the Lead's latest taken request when <paramref name="requestId"/> is null.</summary>
    Task<DoneResult> MarkDoneAsync(string tenant, string leadId, Guid? requestId = null, CancellationToken ct = default);

    /// <summary>Self-triage: who or which team should the requester ask.</summary>
    Task<WhoResult> WhoAsync(string tenant, string requesterId, string text, CancellationToken ct = default);

    /// <summary>Builds a Lead's digest for an ISO week ("2026-W48"); null means the current week in the Lead's timezone.</summary>
    Task<WeeklyDigest> BuildDigestAsync(string tenant, string leadId, string? isoWeek = null, CancellationToken ct = default);

    /// <summary>The Lead's week at a glance.</summary>
    Task<LeadHome> GetHomeAsync(string tenant, string leadId, CancellationToken ct = default);

    /// <summary>The Lead's effective settings.</summary>
    Task<EffectiveLeadSettings> GetSettingsAsync(string tenant, string leadId, CancellationToken ct = default);

    /// <summary>Changes the Lead's settings (validated: budget 0–60, IANA timezone).</summary>
    Task<EffectiveLeadSettings> UpdateSettingsAsync(string tenant, string leadId, SettingsChange change, CancellationToken ct = default);
}
