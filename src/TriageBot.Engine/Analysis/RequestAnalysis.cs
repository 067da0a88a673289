namespace TriageBot.Engine.Analysis;

/// <summary>What kind of help a request asks for.</summary>
public enum AskKind
{
    /// <summary>Learn or understand a concept or method.</summary>
    Learn,
    /// <summary>Get a task done for them.</summary>
    Task,
    /// <summary>Access or operations work (grant, restart, deploy…).</summary>
    Access,
    /// <summary>A review of their work or a decision.</summary>
    Review,
    /// <summary>No clear signal.</summary>
    Unknown,
}

/// <summary>Why the engine could not tell what a request is about.</summary>
public enum ClarifyReason
{
    /// <summary>A topic was found.</summary>
    None,
    /// <summary>Nothing matched.</summary>
    Unknown,
    /// <summary>No words to read (only emoji, symbols or whitespace).</summary>
    NoWords,
    /// <summary>Mostly a pasted log, stack trace or code, without a sentence saying what is needed.</summary>
    Paste,
    /// <summary>Some topics came close, none confidently (offered as guesses).</summary>
    Unsure,
    /// <summary>Only links, hashes or ids: characters to read, but no word that says what is needed.</summary>
    NoSentence,
    /// <summary>The Lead said the request names no topic (a follow-up, a hello).</summary>
    NoTopicByLead,
}

/// <summary>How long the answer will guide the requester's work.</summary>
public enum Horizon
{
    /// <summary>A one-off: quick, today, this once.</summary>
    Short,
    /// <summary>Weeks or more: a design, a template, going forward.</summary>
    Long,
    /// <summary>No signal either way.</summary>
    Unknown,
}

/// <summary>A topic found in the request text.</summary>
/// <param name="TopicId">The topic's id.</param>
/// <param name="Score">Match strength (higher is stronger); comparable between topics of one request.</param>
/// <param name="Matched">The words or phrases of the text that matched, as evidence.</param>
public sealed record TopicMatch(string TopicId, double Score, IReadOnlyList<string> Matched)
{
    /// <summary>The combined confidence (0..1) that the request is about this topic, over all evidence layers.</summary>
    public double Confidence { get; init; }

    /// <summary>Every reason the topic was found, with where it came from (org file, vocabulary, meaning, learned).</summary>
    public IReadOnlyList<Understanding.TopicEvidence> Evidence { get; init; } = [];
}

/// <summary>What the engine understood from a request's text.</summary>
/// <param name="Topics">Topics found, best first; empty when none (the decision is then <c>clarify</c>).</param>
/// <param name="Kind">Kind of ask.</param>
/// <param name="KindEvidence">Words that signalled the kind.</param>
/// <param name="Recurs">True when the text says the need recurs (every launch, each quarter, going forward…).</param>
/// <param name="Horizon">Horizon of the answer's usefulness.</param>
/// <param name="HorizonEvidence">Words that signalled the horizon.</param>
public sealed record RequestAnalysis(
    IReadOnlyList<TopicMatch> Topics,
    AskKind Kind,
    IReadOnlyList<string> KindEvidence,
    bool Recurs,
    Horizon Horizon,
    IReadOnlyList<string> HorizonEvidence)
{
    /// <summary>
    /// When no topic was confident enough (the decision is clarify): the best guesses, at most two, offered to the
    /// Lead as buttons. Empty otherwise.
    /// </summary>
    public IReadOnlyList<TopicMatch> Guesses { get; init; } = [];

    /// <summary>Why no topic was found, when none was (the clarify card says what to send); <see cref="ClarifyReason.None"/> otherwise.</summary>
    public ClarifyReason ClarifyReason { get; init; }

    /// <summary>True when the text contains shapes of errors or alerts (a stack trace, an alert name).</summary>
    public bool LooksLikeError { get; init; }

    /// <summary>The best topic, or null when none matched.</summary>
    public TopicMatch? TopTopic => Topics.Count > 0 ? Topics[0] : null;
}
