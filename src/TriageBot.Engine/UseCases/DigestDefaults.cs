namespace TriageBot.Engine.UseCases;

/// <summary>When a Lead's weekly digest goes out unless the org file or the Lead's own settings say otherwise (configuration <c>Digest:DefaultDay|DefaultTime</c>).</summary>
/// <param name="Day">Default digest day.</param>
/// <param name="Time">Default local time of day.</param>
public sealed record DigestDefaults(DayOfWeek Day, TimeOnly Time)
{
    /// <summary>Friday 16:00, local time.</summary>
    public static DigestDefaults Default { get; } = new(DayOfWeek.Friday, new TimeOnly(16, 0));
}
