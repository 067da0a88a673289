using System.Globalization;

namespace TriageBot.Engine.Decisions;

/// <summary>The ids of the default policy's rules, as recorded with every decision.</summary>
public static class RuleIds
{
    /// <summary>No topic recognised: ask the requester.</summary>
    public const string NoTopic = "no-topic";

    /// <summary>Rule 1: a service team owns the topic.</summary>
    public const string ServiceTeam = "rule-1-service-team";

    /// <summary>Rule 2: someone available is more skilled than the Lead.</summary>
    public const string MoreSkilled = "rule-2-more-skilled";

    /// <summary>Rule 3: the Lead is exceptionally skilled and it is reused or long-lived.</summary>
    public const string Skilled = "rule-3-skilled";

    /// <summary>Rule 4: reused teaching on a long horizon, timeboxed.</summary>
    public const string TeachTimeboxed = "rule-4-teach";

    /// <summary>Rule 5: redirect to the best available person.</summary>
    public const string BestPerson = "rule-5-best-person";

    /// <summary>Rule 5 when nobody qualifies: the Lead takes it, timeboxed.</summary>
    public const string FallbackTake = "rule-5-take";

    /// <summary>The budget rule: the Lead's weekly help hours are used up.</summary>
    public const string Budget = "budget";
}

/// <summary>The default policy's rules in plain words, with the policy's thresholds filled in.</summary>
public static class RuleTexts
{
    /// <summary>Text of <see cref="RuleIds.NoTopic"/>.</summary>
    public static string NoTopic() => "No topic was recognised, so the request cannot be routed: ask the requester what it is about.";

    /// <summary>Text of <see cref="RuleIds.ServiceTeam"/>.</summary>
    public static string ServiceTeam() =>
        "Rule 1: a service team owns this topic and the requester is not in it, so redirect to the team's intake (unless you are exceptionally skilled and the horizon is long).";

    /// <summary>Text of <see cref="RuleIds.MoreSkilled"/>.</summary>
    public static string MoreSkilled() =>
        "Rule 2: you are not exceptionally skilled here and someone available has a higher level on the topic, so redirect to them.";

    /// <summary>Text of <see cref="RuleIds.Skilled"/>.</summary>
    public static string Skilled() =>
        "Rule 3: you are exceptionally skilled and the help will be reused or guide long-term work, so take it (teach when it will be reused).";

    /// <summary>Text of <see cref="RuleIds.TeachTimeboxed"/>.</summary>
    public static string TeachTimeboxed() =>
        "Rule 4: teaching it will be reused and the horizon is long, so take it as teaching, timeboxed.";

    /// <summary>Text of <see cref="RuleIds.BestPerson"/>.</summary>
    public static string BestPerson(DecisionPolicy policy) =>
        $"Rule 5: otherwise, redirect to the best available person with level {policy.MinimumOwnerSkill.ToString(CultureInfo.InvariantCulture)}+ on the topic.";

    /// <summary>Text of <see cref="RuleIds.FallbackTake"/>.</summary>
    public static string FallbackTake(DecisionPolicy policy) =>
        $"Rule 5: otherwise, and with nobody available at level {policy.MinimumOwnerSkill.ToString(CultureInfo.InvariantCulture)}+ on the topic, take it, timeboxed, so the requester is not left without an answer.";

    /// <summary>Text of <see cref="RuleIds.Budget"/>.</summary>
    public static string Budget(double spent, double budget) =>
        $"Budget: you have spent {OwnerRanker.FormatHours(spent)} h of your {OwnerRanker.FormatHours(budget)} h weekly help budget, so you only take requests where you are exceptionally skilled and the horizon is long; this one is redirected.";
}
