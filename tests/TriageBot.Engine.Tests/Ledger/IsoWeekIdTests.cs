using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ledger;

namespace TriageBot.Engine.Tests.Ledger;

public sealed class IsoWeekIdTests
{
    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static DateTimeOffset Utc(int y, int mo, int d, int h = 0, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-W48", 2026, 48)]
    [InlineData("2026W48", 2026, 48)]
    [InlineData("2026-w01", 2026, 1)]
    [InlineData("2026-W1", 2026, 1)]
    [InlineData(" 2026-W53 ", 2026, 53)]
    public void Parse_ValidText_ReturnsWeek(string text, int year, int week)
    {
        var id = IsoWeekId.Parse(text);
        Assert.Equal(year, id.Year);
        Assert.Equal(week, id.Week);
    }

    [Theory]
    [InlineData("2025-W53")] // 2025 has 52 ISO weeks
    [InlineData("2026-W00")]
    [InlineData("2026-W54")]
    [InlineData("2026-48")]
    [InlineData("W48")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("2026-W4x")]
    [InlineData("0001-W01")] // a digest also reads the weeks before: out of the calendar
    [InlineData("1899-W52")]
    [InlineData("9999-W01")]
    public void TryParse_Invalid_ReturnsFalse(string? text)
    {
        Assert.False(IsoWeekId.TryParse(text, out _));
    }

    [Fact]
    public void Parse_Invalid_ThrowsFriendlyError()
    {
        var ex = Assert.Throws<TriageUserException>(() => IsoWeekId.Parse("last week"));
        Assert.Contains("2026-W48", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1900 to 9998", Assert.Throws<TriageUserException>(() => IsoWeekId.Parse("0001-W01")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_PadsWeek()
    {
        Assert.Equal("2027-W01", new IsoWeekId(2027, 1).ToString());
        Assert.Equal("2026-W48", IsoWeekId.Parse("2026-W48").ToString());
    }

    [Theory]
    [InlineData(2026, 11, 23, "2026-W48")]
    [InlineData(2026, 11, 29, "2026-W48")]
    [InlineData(2026, 12, 28, "2026-W53")]
    [InlineData(2027, 1, 3, "2026-W53")] // Sunday of 2026-W53
    [InlineData(2027, 1, 4, "2027-W01")]
    [InlineData(2024, 12, 30, "2025-W01")] // Monday in the next ISO year
    public void FromDate_YearBoundaries(int y, int m, int d, string expected)
    {
        Assert.Equal(expected, IsoWeekId.FromDate(new DateOnly(y, m, d)).ToString());
    }

    [Fact]
    public void AddWeeks_CrossesYearBoundary()
    {
        var w53 = new IsoWeekId(2026, 53);
        Assert.Equal(new IsoWeekId(2027, 1), w53.Next());
        Assert.Equal(w53, new IsoWeekId(2027, 1).Previous());
        Assert.Equal(["2026-W50", "2026-W51", "2026-W52", "2026-W53"], new IsoWeekId(2027, 1).PreviousWeeks(4).Select(w => w.ToString()));
        Assert.True(new IsoWeekId(2026, 53) < new IsoWeekId(2027, 1));
    }

    [Fact]
    public void FromInstant_SameInstantDifferentZones_DifferentWeeks()
    {
        // Sunday 2026-11-29 23:30 UTC is already Monday in Auckland and still Sunday in Sao Paulo.
        var instant = Utc(2026, 11, 29, 23, 30);
        Assert.Equal("2026-W48", IsoWeekId.FromInstant(instant, Zone("America/Sao_Paulo")).ToString());
        Assert.Equal("2026-W49", IsoWeekId.FromInstant(instant, Zone("Pacific/Auckland")).ToString());
        Assert.Equal("2026-W48", IsoWeekId.FromInstant(instant, TimeZoneInfo.Utc).ToString());
    }

    [Fact]
    public void GetUtcBounds_SaoPaulo_MondayMidnightLocal()
    {
        var (start, end) = IsoWeekId.Parse("2026-W48").GetUtcBounds(Zone("America/Sao_Paulo"));
        Assert.Equal(Utc(2026, 11, 23, 3), start);
        Assert.Equal(Utc(2026, 11, 30, 3), end);
    }

    [Fact]
    public void GetUtcBounds_BerlinSpringForward_WeekIs167Hours()
    {
        // 2026-03-29 (last Sunday of March) Berlin goes from UTC+1 to UTC+2.
        var (start, end) = IsoWeekId.FromDate(new DateOnly(2026, 3, 23)).GetUtcBounds(Zone("Europe/Berlin"));
        Assert.Equal(Utc(2026, 3, 22, 23), start);
        Assert.Equal(Utc(2026, 3, 29, 22), end);
        Assert.Equal(TimeSpan.FromHours(167), end - start);
    }

    [Fact]
    public void GetUtcBounds_BerlinFallBack_WeekIs169Hours()
    {
        // 2026-10-25 (last Sunday of October) Berlin goes from UTC+2 to UTC+1.
        var (start, end) = IsoWeekId.FromDate(new DateOnly(2026, 10, 19)).GetUtcBounds(Zone("Europe/Berlin"));
        Assert.Equal(Utc(2026, 10, 18, 22), start);
        Assert.Equal(Utc(2026, 10, 25, 23), end);
        Assert.Equal(TimeSpan.FromHours(169), end - start);
    }

    [Fact]
    public void GetUtcBounds_AucklandAcrossDstStart_ConsecutiveWeeksTouch()
    {
        // Auckland DST starts 2026-09-27 (UTC+12 → UTC+13).
        var zone = Zone("Pacific/Auckland");
        var week = IsoWeekId.FromDate(new DateOnly(2026, 9, 21));
        var (start, end) = week.GetUtcBounds(zone);
        Assert.Equal(Utc(2026, 9, 20, 12), start);
        Assert.Equal(Utc(2026, 9, 27, 11), end);
        Assert.Equal(end, week.Next().GetUtcBounds(zone).StartUtc);
    }

    [Fact]
    public void GetUtcBounds_SaoPaulo2018MidnightSkipped_StartsWhenClockJumps()
    {
        // On Sunday 2018-11-04 Sao Paulo clocks jumped from 00:00 to 01:00 (UTC−3 → UTC−2), so that midnight never existed;
        // week 2018-W45 starts Monday 2018-11-05 00:00 at UTC−2. The previous Sunday-at-midnight case is covered via ToUtc.
        var zone = Zone("America/Sao_Paulo");
        var skipped = TimeZones.ToUtc(new DateTime(2018, 11, 4, 0, 0, 0), zone);
        Assert.Equal(Utc(2018, 11, 4, 3), skipped);
        Assert.Equal("01:00", TimeZoneInfo.ConvertTime(skipped, zone).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        var (start, _) = IsoWeekId.FromDate(new DateOnly(2018, 11, 5)).GetUtcBounds(zone);
        Assert.Equal(Utc(2018, 11, 5, 2), start);
    }

    [Fact]
    public void ToUtc_AmbiguousTime_UsesFirstOccurrence()
    {
        // Berlin 2026-10-25 02:30 happens twice; the first is at UTC+2.
        var utc = TimeZones.ToUtc(new DateTime(2026, 10, 25, 2, 30, 0), Zone("Europe/Berlin"));
        Assert.Equal(Utc(2026, 10, 25, 0, 30), utc);
    }

    [Fact]
    public void GetUtcBounds_YearBoundaryWeek53_SpansNewYear()
    {
        var (start, end) = new IsoWeekId(2026, 53).GetUtcBounds(TimeZoneInfo.Utc);
        Assert.Equal(Utc(2026, 12, 28), start);
        Assert.Equal(Utc(2027, 1, 4), end);
        Assert.Equal(end, new IsoWeekId(2027, 1).GetUtcBounds(TimeZoneInfo.Utc).StartUtc);
    }

    [Fact]
    public void ConsecutiveWeeks_ManyZonesOverTwoYears_AreContiguousAndContainTheirInstants()
    {
        foreach (var id in new[] { "America/Sao_Paulo", "Europe/Berlin", "Pacific/Auckland", "America/New_York", "Asia/Kolkata", "UTC" })
        {
            var zone = Zone(id);
            var week = new IsoWeekId(2025, 1);
            for (var i = 0; i < 110; i++)
            {
                var (start, end) = week.GetUtcBounds(zone);
                var next = week.Next();
                Assert.Equal(end, next.GetUtcBounds(zone).StartUtc);
                Assert.InRange((end - start).TotalHours, 167, 169);
                Assert.Equal(week, IsoWeekId.FromInstant(start, zone));
                Assert.Equal(week, IsoWeekId.FromInstant(end.AddTicks(-1), zone));
                week = next;
            }
        }
    }

    [Fact]
    public void TryFindIana_AcceptsIanaRejectsOthers()
    {
        Assert.True(TimeZones.TryFindIana("Europe/Berlin", out var berlin));
        Assert.Equal("Europe/Berlin", berlin.Id);
        Assert.True(TimeZones.TryFindIana("UTC", out _));
        Assert.False(TimeZones.TryFindIana("Mars/Olympus", out _));
        Assert.False(TimeZones.TryFindIana("W. Europe Standard Time", out _));
        Assert.False(TimeZones.TryFindIana("", out _));
    }
}
