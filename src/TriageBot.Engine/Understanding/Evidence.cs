namespace TriageBot.Engine.Understanding;

/// <summary>Where a piece of evidence for a topic came from.</summary>
public enum EvidenceSource
{
    /// <summary>The topic's name or one of its aliases (org file).</summary>
    OrgName,
    /// <summary>One of the topic's keywords (org file).</summary>
    OrgKeyword,
    /// <summary>A word of the built-in vocabulary linked to the topic.</summary>
    Vocabulary,
    /// <summary>Close in meaning to the topic's description, an org example or a built-in example.</summary>
    Meaning,
    /// <summary>Like requests the Leads triaged before.</summary>
    Learned,
    /// <summary>The optional LLM reading.</summary>
    Llm,
    /// <summary>The Lead chose the topic.</summary>
    Lead,
}

/// <summary>One reason a topic was found, for people to read on the card.</summary>
/// <param name="Source">Which layer found it.</param>
/// <param name="Text">What matched: the words of the request, or the example it resembles.</param>
/// <param name="Detail">Where it came from, e.g. "built-in Experimentation vocabulary" or "3 requests you triaged before".</param>
public sealed record TopicEvidence(EvidenceSource Source, string Text, string Detail)
{
    /// <summary>A one-line description: "'lift' — built-in Experimentation vocabulary".</summary>
    public string Describe() => Source switch
    {
        EvidenceSource.Meaning => $"close in meaning to {Detail}",
        EvidenceSource.Learned => Text.Length > 0 ? $"like {Detail} (closest: \"{Text}\")" : $"like {Detail}",
        EvidenceSource.Lead => Detail,
        _ => $"'{Text}' — {Detail}",
    };
}
