namespace TriageBot.Engine.Decisions;

/// <summary>
/// The decision policy's tunable thresholds. The rules themselves are fixed and documented;
/// these numbers are data a Lead or admin can change. Bump <see cref="Version"/> when changing them.
/// </summary>
public sealed record DecisionPolicy
{
    /// <summary>The default policy.</summary>
    public static DecisionPolicy Default { get; } = new();

    /// <summary>Version recorded with every decision.</summary>
    public string Version { get; init; } = "2026.1";

    /// <summary>Minimum skill level on the topic for the Lead to count as exceptionally skilled (question 1). Default 4.</summary>
    public int ExceptionalSkillLevel { get; init; } = 4;

    /// <summary>How close another available person may come before the Lead is no longer exceptional: skill ≥ lead's skill − this. Default 1.</summary>
    public int PeerSkillMargin { get; init; } = 1;

    /// <summary>Minimum skill for a person to be suggested as owner under rule 5. Default 3.</summary>
    public int MinimumOwnerSkill { get; init; } = 3;

    /// <summary>When true, a Lead at or over budget only takes when skill is yes and horizon long.</summary>
    public bool EnforceBudget { get; init; } = true;

    /// <summary>Maximum number of owners suggested. Default 3.</summary>
    public int MaxOwners { get; init; } = 3;

    /// <summary>Topic repeats within <see cref="RepeatWindowDays"/> that trigger the write-up suggestion. Default 3.</summary>
    public int RepeatThreshold { get; init; } = 3;

    /// <summary>Window for counting repeated topics. Default 28 days.</summary>
    public int RepeatWindowDays { get; init; } = 28;

    /// <summary>Default weekly help budget in hours when the org file and the Lead's settings give none. Default 6.</summary>
    public double DefaultBudgetHours { get; init; } = 6;

    /// <summary>The configuration section the policy is bound from.</summary>
    public const string Section = "TriageBot:Policy";

    /// <summary>
    /// What is wrong with these thresholds, one message per setting naming its configuration key, the allowed range and an
    /// example; empty when the policy is valid. The one place the ranges are declared: the host checks them at start-up
    /// and the CLI before it decides.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        Range(ExceptionalSkillLevel, 1, 5, nameof(ExceptionalSkillLevel), "4", failures);
        Range(PeerSkillMargin, 0, 4, nameof(PeerSkillMargin), "1", failures);
        Range(MinimumOwnerSkill, 1, 5, nameof(MinimumOwnerSkill), "3", failures);
        Range(MaxOwners, 1, 10, nameof(MaxOwners), "3", failures);
        Range(RepeatThreshold, 1, 100, nameof(RepeatThreshold), "3", failures);
        Range(RepeatWindowDays, 1, 365, nameof(RepeatWindowDays), "28", failures);
        if (DefaultBudgetHours is < 0 or > 60 || double.IsNaN(DefaultBudgetHours))
        {
            failures.Add(FormattableString.Invariant($"{Section}:{nameof(DefaultBudgetHours)} must be between 0 and 60 hours, e.g. 6 (got {DefaultBudgetHours})."));
        }

        if (string.IsNullOrWhiteSpace(Version))
        {
            failures.Add($"{Section}:{nameof(Version)} must be a non-empty label recorded with every decision, e.g. '2026.1'.");
        }

        return failures;
    }

    private static void Range(int value, int min, int max, string key, string example, List<string> failures)
    {
        if (value < min || value > max)
        {
            failures.Add(FormattableString.Invariant($"{Section}:{key} must be between {min} and {max}, e.g. {example} (got {value})."));
        }
    }
}
