using TriageBot.Engine.Digest;
using TriageBot.Engine.Ledger;

namespace TriageBot.Engine.Tests.Digest;

public sealed class DigestPlannerTests
{
    private static readonly TimeOnly Four = new(16, 0);

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public void DueAtUtc_SaoPauloFriday1600_Is1900Utc()
    {
        Assert.Equal(Utc(2026, 11, 27, 19), DigestPlanner.DueAtUtc(new IsoWeekId(2026, 48), DayOfWeek.Friday, Four, Zone("America/Sao_Paulo")));
    }

    [Theory]
    [InlineData(2026, 11, 27, 18, 59, false)]
    [InlineData(2026, 11, 27, 19, 0, true)]
    [InlineData(2026, 11, 29, 23, 0, true)] // Sunday evening local, same week
    [InlineData(2026, 11, 30, 3, 0, false)] // Monday 00:00 local: a new week, not due yet
    public void IsDueThisWeek_SaoPaulo(int y, int mo, int d, int h, int mi, bool expected)
    {
        Assert.Equal(expected, DigestPlanner.IsDueThisWeek(Utc(y, mo, d, h, mi), DayOfWeek.Friday, Four, Zone("America/Sao_Paulo")));
    }

    [Fact]
    public void IsDueThisWeek_AucklandMondayMorning_DueWhileStillSundayInUtc()
    {
        // Monday 2026-11-30 09:00 in Auckland (UTC+13 in summer) is Sunday 20:00 UTC.
        var zone = Zone("Pacific/Auckland");
        Assert.False(DigestPlanner.IsDueThisWeek(Utc(2026, 11, 29, 19, 59), DayOfWeek.Monday, new TimeOnly(9, 0), zone));
        Assert.True(DigestPlanner.IsDueThisWeek(Utc(2026, 11, 29, 20, 0), DayOfWeek.Monday, new TimeOnly(9, 0), zone));
    }

    [Fact]
    public void DueAtUtc_BerlinBeforeAndAfterSpringForward_FollowsOffset()
    {
        var berlin = Zone("Europe/Berlin");
        // Friday 16:00 in W12 (CET, UTC+1) and W14 (CEST, UTC+2).
        Assert.Equal(Utc(2026, 3, 20, 15), DigestPlanner.DueAtUtc(new IsoWeekId(2026, 12), DayOfWeek.Friday, Four, berlin));
        Assert.Equal(Utc(2026, 4, 3, 14), DigestPlanner.DueAtUtc(new IsoWeekId(2026, 14), DayOfWeek.Friday, Four, berlin));
    }

    [Fact]
    public void DueAtUtc_TimeSkippedBySpringForward_MovesForwardByTheGap()
    {
        // Sunday 2026-03-29 02:30 does not exist in Berlin: it is read as 03:30 CEST (01:30 UTC).
        Assert.Equal(Utc(2026, 3, 29, 1, 30), DigestPlanner.DueAtUtc(new IsoWeekId(2026, 13), DayOfWeek.Sunday, new TimeOnly(2, 30), Zone("Europe/Berlin")));
    }

    [Fact]
    public void DueAtUtc_TimeRepeatedByFallBack_FirstOccurrence()
    {
        // Sunday 2026-10-25 02:30 happens twice in Berlin; the first is 00:30 UTC.
        Assert.Equal(Utc(2026, 10, 25, 0, 30), DigestPlanner.DueAtUtc(new IsoWeekId(2026, 43), DayOfWeek.Sunday, new TimeOnly(2, 30), Zone("Europe/Berlin")));
    }

    [Fact]
    public void DueAtUtc_Week53_FridayIsNewYearsDay()
    {
        Assert.Equal(Utc(2027, 1, 1, 16), DigestPlanner.DueAtUtc(new IsoWeekId(2026, 53), DayOfWeek.Friday, Four, TimeZoneInfo.Utc));
        Assert.Equal([new IsoWeekId(2026, 53)], DigestPlanner.DueWeeks(Utc(2027, 1, 1, 16), DayOfWeek.Friday, Four, TimeZoneInfo.Utc));
    }

    [Fact]
    public void DueWeeks_BeforeDueTime_Nothing()
    {
        Assert.Empty(DigestPlanner.DueWeeks(Utc(2026, 11, 26, 12), DayOfWeek.Friday, Four, Zone("America/Sao_Paulo")));
    }

    [Fact]
    public void DueWeeks_AfterDueTime_CurrentWeek()
    {
        Assert.Equal([new IsoWeekId(2026, 48)], DigestPlanner.DueWeeks(Utc(2026, 11, 28, 12), DayOfWeek.Friday, Four, Zone("America/Sao_Paulo")));
    }

    [Fact]
    public void DueWeeks_BackAfterWeekendDowntime_PreviousWeekStillDue()
    {
        // Due Friday 19:00 UTC; the bot comes back Monday 12:00 UTC (2 days 17 h later), in week W49.
        Assert.Equal([new IsoWeekId(2026, 48)], DigestPlanner.DueWeeks(Utc(2026, 11, 30, 12), DayOfWeek.Friday, Four, Zone("America/Sao_Paulo")));
    }

    [Fact]
    public void DueWeeks_PastCatchUpWindow_PreviousWeekDropped()
    {
        Assert.Empty(DigestPlanner.DueWeeks(Utc(2026, 11, 30, 19, 1), DayOfWeek.Friday, Four, Zone("America/Sao_Paulo"), TimeSpan.FromDays(3)));
        Assert.Empty(DigestPlanner.DueWeeks(Utc(2026, 11, 30, 12), DayOfWeek.Friday, Four, Zone("America/Sao_Paulo"), TimeSpan.FromDays(1)));
    }

    [Fact]
    public void DueWeeks_MondayDigestAfterDueTime_PreviousAndCurrent()
    {
        // Monday 09:00 digest; at Monday 10:00 the previous week's (due a week ago) is out of the 3-day window; only this one.
        Assert.Equal([new IsoWeekId(2026, 49)], DigestPlanner.DueWeeks(Utc(2026, 11, 30, 10), DayOfWeek.Monday, new TimeOnly(9, 0), TimeZoneInfo.Utc));
        // With a long window both are due, oldest first.
        Assert.Equal([new IsoWeekId(2026, 48), new IsoWeekId(2026, 49)], DigestPlanner.DueWeeks(Utc(2026, 11, 30, 10), DayOfWeek.Monday, new TimeOnly(9, 0), TimeZoneInfo.Utc, TimeSpan.FromDays(8)));
    }
}
