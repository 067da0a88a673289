using TriageBot.Engine.Ledger;

namespace TriageBot.Engine.Digest;

/// <summary>
/// When a Lead's digest is due: their digest day and time on the wall clock of their timezone, in the ISO week that
/// contains "now" there. A digest whose due time passed while the bot was down is still due when it comes back, within a
/// catch-up window (the previous week's digest is sent late rather than never). Pure: no clock, no store.
/// </summary>
public static class DigestPlanner
{
    /// <summary>How late a previous week's digest may still be sent. Default 3 days (a long weekend of downtime).</summary>
    public static TimeSpan DefaultCatchUpWindow { get; } = TimeSpan.FromDays(3);

    /// <summary>The UTC instant a week's digest is due. A local time skipped by DST moves forward by the gap (02:30 → 03:30); a repeated one uses its first occurrence.</summary>
    public static DateTimeOffset DueAtUtc(IsoWeekId week, DayOfWeek day, TimeOnly time, TimeZoneInfo zone) => week.LocalTimeToUtc(day, time, zone);

    /// <summary>True when the digest of the week containing <paramref name="now"/> (in <paramref name="zone"/>) is due.</summary>
    public static bool IsDueThisWeek(DateTimeOffset now, DayOfWeek day, TimeOnly time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var week = IsoWeekId.FromInstant(now, zone);
        return now >= DueAtUtc(week, day, time, zone);
    }

    /// <summary>
    /// The weeks whose digest should go out at <paramref name="now"/>, oldest first: the previous week when its due time is
    /// no more than <paramref name="catchUpWindow"/> ago (missed while down; the delivery claim makes it go out once), and the
    /// current week once its due time has come.
    /// </summary>
    public static IReadOnlyList<IsoWeekId> DueWeeks(DateTimeOffset now, DayOfWeek day, TimeOnly time, TimeZoneInfo zone, TimeSpan? catchUpWindow = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var window = catchUpWindow ?? DefaultCatchUpWindow;
        var current = IsoWeekId.FromInstant(now, zone);
        var previous = current.Previous();
        var weeks = new List<IsoWeekId>(2);
        var previousDue = DueAtUtc(previous, day, time, zone);
        if (previousDue <= now && now - previousDue <= window)
        {
            weeks.Add(previous);
        }

        if (now >= DueAtUtc(current, day, time, zone))
        {
            weeks.Add(current);
        }

        return weeks;
    }
}
