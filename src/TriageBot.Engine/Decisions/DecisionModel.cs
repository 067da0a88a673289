using TriageBot.Engine.Analysis;

namespace TriageBot.Engine.Decisions;

/// <summary>The four questions of the filter.</summary>
public enum Question
{
    /// <summary>Am I exceptionally skilled in solving it?</summary>
    Skill,
    /// <summary>If I teach this person, will they reuse it often?</summary>
    Reuse,
    /// <summary>Is there a team whose objective is to provide this?</summary>
    Team,
    /// <summary>How long will the solution guide their work?</summary>
    Horizon,
}

/// <summary>An answer to one question. Skill, Reuse and Team use Yes/No/Unsure; Horizon uses Long/Short.</summary>
public enum AnswerValue
{
    /// <summary>Yes.</summary>
    Yes,
    /// <summary>No.</summary>
    No,
    /// <summary>Not enough signal.</summary>
    Unsure,
    /// <summary>Horizon: weeks or more.</summary>
    Long,
    /// <summary>Horizon: a one-off.</summary>
    Short,
}

/// <summary>The answer to one question with its one-line explanation and evidence.</summary>
/// <param name="Question">Which question.</param>
/// <param name="Value">The answer.</param>
/// <param name="Why">One line explaining it, in plain words.</param>
/// <param name="Evidence">Words, people or teams that support it.</param>
/// <param name="Overridden">True when the Lead set this answer by hand.</param>
public sealed record QuestionAnswer(Question Question, AnswerValue Value, string Why, IReadOnlyList<string> Evidence, bool Overridden = false);

/// <summary>What the Lead should do with the request.</summary>
public enum DecisionOutcome
{
    /// <summary>The Lead takes it.</summary>
    Take,
    /// <summary>Point the requester to a better owner.</summary>
    Redirect,
    /// <summary>Ask the requester what it is about: the bot cannot route it.</summary>
    Clarify,
}

/// <summary>How the Lead helps when taking a request.</summary>
public enum HelpMode
{
    /// <summary>Teach the concept so it is reused.</summary>
    Teach,
    /// <summary>Do it.</summary>
    Do,
    /// <summary>Review their work or decide.</summary>
    Review,
}

/// <summary>Who a better owner is.</summary>
public enum OwnerType
{
    /// <summary>A person.</summary>
    Person,
    /// <summary>A team (with its intake).</summary>
    Team,
}

/// <summary>A suggested owner for the request, with the reason.</summary>
/// <param name="Type">Person or team.</param>
/// <param name="Id">Person or team id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Intake">Team intake (channel, URL or form), when a team.</param>
/// <param name="Why">Why this owner.</param>
public sealed record Owner(OwnerType Type, string Id, string Name, string? Intake, string Why);

/// <summary>The engagement suggested when the Lead takes a request.</summary>
/// <param name="Suggestion">E.g. "20-minute pairing session", "async review", "write it up for the team".</param>
/// <param name="EstimateMinutes">Estimated minutes of the Lead's time.</param>
/// <param name="Timeboxed">True when the Lead should cap the time spent.</param>
public sealed record HowToHelp(string Suggestion, int EstimateMinutes, bool Timeboxed);

/// <summary>The result of applying the four-question filter and the decision policy to a request.</summary>
/// <param name="Outcome">Take, redirect or clarify.</param>
/// <param name="Mode">Help mode when taking; null otherwise.</param>
/// <param name="Rule">The policy rule that fired (e.g. "rule-1-service-team", "budget", "no-topic").</param>
/// <param name="RuleText">The rule in plain words.</param>
/// <param name="Analysis">What was understood from the text.</param>
/// <param name="Answers">The four answers, in question order.</param>
/// <param name="Owners">Better owners, best first (up to three); may be non-empty for Take as alternatives.</param>
/// <param name="HowToHelp">Suggested engagement when taking.</param>
/// <param name="Timeboxed">True when the take is timeboxed (rules 4 and 5).</param>
/// <param name="PolicyVersion">Version of the policy that produced it.</param>
public sealed record Decision(
    DecisionOutcome Outcome,
    HelpMode? Mode,
    string Rule,
    string RuleText,
    RequestAnalysis Analysis,
    IReadOnlyList<QuestionAnswer> Answers,
    IReadOnlyList<Owner> Owners,
    HowToHelp? HowToHelp,
    bool Timeboxed,
    string PolicyVersion)
{
    /// <summary>The answer to <paramref name="question"/>.</summary>
    public QuestionAnswer AnswerTo(Question question) => Answers.First(a => a.Question == question);
}
