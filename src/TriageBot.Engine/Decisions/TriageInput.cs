using TriageBot.Engine.Analysis;

namespace TriageBot.Engine.Decisions;

/// <summary>Everything the pure engine needs to decide one request. Built by the use cases from the stores.</summary>
/// <param name="Text">The request text (any length, any characters).</param>
/// <param name="LeadId">Org id of the Lead the request was sent to.</param>
/// <param name="RequesterId">Org id of the requester, or any other id for an outsider (not in the org).</param>
/// <param name="At">Moment of evaluation (away periods use the date in UTC).</param>
public sealed record TriageInput(string Text, string LeadId, string RequesterId, DateTimeOffset At)
{
    /// <summary>The Lead's help hours already spent this week.</summary>
    public double LeadHoursSpentThisWeek { get; init; }

    /// <summary>The Lead's weekly budget from their own settings; null means the org file's, then the policy default.</summary>
    public double? LeadBudgetHours { get; init; }

    /// <summary>Answers the Lead overrode; the decision is recomputed with them.</summary>
    public IReadOnlyDictionary<Question, AnswerValue> Overrides { get; init; } = new Dictionary<Question, AnswerValue>();

    /// <summary>Help hours each person has spent this week (for spare-capacity tie-breaks); missing means 0.</summary>
    public IReadOnlyDictionary<string, double> HoursSpentByPerson { get; init; } = new Dictionary<string, double>();

    /// <summary>How many requests were redirected to each person recently (tie-break: fewest first).</summary>
    public IReadOnlyDictionary<string, int> RecentRedirectsByPerson { get; init; } = new Dictionary<string, int>();

    /// <summary>How many times this request's top topic reached this Lead in the repeat window (before this one).</summary>
    public int TopicRepeatCount { get; init; }

    /// <summary>A precomputed analysis of <see cref="Text"/> (e.g. when recomputing after an override); null to analyse.</summary>
    public RequestAnalysis? Analysis { get; init; }
}

/// <summary>Input for self-triage (<c>/triage who</c>): who should a requester ask, without a Lead.</summary>
/// <param name="Text">The request text.</param>
/// <param name="RequesterId">Org id of the requester, or an outsider id.</param>
/// <param name="At">Moment of evaluation.</param>
public sealed record WhoInput(string Text, string RequesterId, DateTimeOffset At)
{
    /// <summary>Help hours each person has spent this week.</summary>
    public IReadOnlyDictionary<string, double> HoursSpentByPerson { get; init; } = new Dictionary<string, double>();

    /// <summary>Recent redirects per person.</summary>
    public IReadOnlyDictionary<string, int> RecentRedirectsByPerson { get; init; } = new Dictionary<string, int>();
}

/// <summary>The answer to self-triage: the topics understood and who to ask, best first.</summary>
/// <param name="Analysis">What was understood.</param>
/// <param name="Owners">Who to ask (teams with intake first when a service team owns the topic); empty when no topic matched.</param>
/// <param name="Advice">One or two sentences for the requester (what to include, or what to clarify).</param>
public sealed record WhoResult(RequestAnalysis Analysis, IReadOnlyList<Owner> Owners, string Advice);

/// <summary>What kind of refusal a <see cref="TriageUserException"/> (or a conversation's error reply) is, for surfaces that answer with a status.</summary>
public enum UserErrorKind
{
    /// <summary>The input is not something the engine can act on (a bad duration, an empty request, an unknown topic).</summary>
    Invalid,

    /// <summary>The request does not exist in this tenant.</summary>
    NotFound,

    /// <summary>The person may not do this (not a Lead, or not the Lead the request was sent to).</summary>
    NotAllowed,

    /// <summary>The request's state does not allow it any more (already done).</summary>
    Conflict,
}

/// <summary>A mistake in user input (unknown person, bad duration, empty text…). Its message is safe and friendly to show as is.</summary>
public sealed class TriageUserException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TriageUserException(string message) : base(message) { }

    /// <summary>Creates the exception with its kind.</summary>
    public TriageUserException(string message, UserErrorKind kind) : base(message) => Kind = kind;

    /// <summary>What kind of refusal it is (<see cref="UserErrorKind.Invalid"/> unless said otherwise).</summary>
    public UserErrorKind Kind { get; }

    /// <summary>Creates the exception with an inner cause.</summary>
    public TriageUserException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public TriageUserException() : base("Invalid input.") { }
}
