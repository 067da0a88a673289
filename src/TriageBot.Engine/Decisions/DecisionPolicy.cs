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
}
