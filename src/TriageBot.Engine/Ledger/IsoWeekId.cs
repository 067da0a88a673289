using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using TriageBot.Engine.Decisions;

namespace TriageBot.Engine.Ledger;

/// <summary>
/// An ISO 8601 week ("2026-W48"): weeks start on Monday and week 1 is the week with the year's first Thursday,
/// so a week's year may differ from its Monday's calendar year (2027-01-01 is in 2026-W53).
/// Create it with the constructor, <see cref="Parse"/>, <see cref="TryParse"/> or <see cref="FromDate"/>; <c>default</c> is not a valid week.
/// </summary>
public readonly record struct IsoWeekId : IComparable<IsoWeekId>
{
    /// <summary>Creates a week id; validates that the year has that many weeks.</summary>
    public IsoWeekId(int year, int week)
    {
        if (year is < 1 or > 9998)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, "Year must be between 1 and 9998.");
        }

        if (week < 1 || week > ISOWeek.GetWeeksInYear(year))
        {
            throw new ArgumentOutOfRangeException(nameof(week), week, $"Year {year} has {ISOWeek.GetWeeksInYear(year)} ISO weeks.");
        }

        Year = year;
        Week = week;
    }

    /// <summary>ISO week-numbering year.</summary>
    public int Year { get; }

    /// <summary>Week number, 1..52 or 53.</summary>
    public int Week { get; }

    /// <summary>The Monday of the week.</summary>
    public DateOnly Monday => DateOnly.FromDateTime(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday));

    /// <summary>The Sunday of the week.</summary>
    public DateOnly Sunday => Monday.AddDays(6);

    /// <summary>The week containing a calendar date.</summary>
    public static IsoWeekId FromDate(DateOnly date)
    {
        var dt = date.ToDateTime(TimeOnly.MinValue);
        return new IsoWeekId(ISOWeek.GetYear(dt), ISOWeek.GetWeekOfYear(dt));
    }

    /// <summary>The week containing an instant, as seen on the wall clock of <paramref name="zone"/>.</summary>
    public static IsoWeekId FromInstant(DateTimeOffset instant, TimeZoneInfo zone) => FromDate(TimeZones.LocalDate(instant, zone));

    /// <summary>Parses "2026-W48" (also "2026W48", lowercase 'w', single-digit week).</summary>
    /// <exception cref="TriageUserException">Not a week id; the message shows the expected form.</exception>
    public static IsoWeekId Parse(string? text)
    {
        if (TryParse(text, out var week))
        {
            return week;
        }

        var shown = text is null ? "" : text.Length > 20 ? text[..20] + "…" : text;
        throw new TriageUserException($"\"{shown}\" is not an ISO week I can report on. Write it like 2026-W48 (a year from {FirstParsedYear} to {LastParsedYear}, then W and the week number 1–53).");
    }

    /// <summary>
    /// The years a typed week may name. A digest also reads the weeks and the repeat window before its week, and a week
    /// near year 1 or 9999 would reach past the calendar's ends; no help was logged before 1900.
    /// </summary>
    public const int FirstParsedYear = 1900;

    /// <summary>The last year a typed week may name (see <see cref="FirstParsedYear"/>).</summary>
    public const int LastParsedYear = 9998;

    /// <summary>Tries to parse "2026-W48" (years <see cref="FirstParsedYear"/>–<see cref="LastParsedYear"/>).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out IsoWeekId week)
    {
        week = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.Length is < 6 or > 8 || !char.IsAsciiDigit(s[0]))
        {
            return false;
        }

        var yearPart = s.AsSpan(0, 4);
        var rest = s.AsSpan(4);
        if (rest.Length > 0 && rest[0] == '-')
        {
            rest = rest[1..];
        }

        if (rest.Length is < 2 or > 3 || (rest[0] != 'W' && rest[0] != 'w'))
        {
            return false;
        }

        var weekPart = rest[1..];
        if (!int.TryParse(yearPart, NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            || !int.TryParse(weekPart, NumberStyles.None, CultureInfo.InvariantCulture, out var w))
        {
            return false;
        }

        if (y is < FirstParsedYear or > LastParsedYear || w < 1 || w > ISOWeek.GetWeeksInYear(y))
        {
            return false;
        }

        week = new IsoWeekId(y, w);
        return true;
    }

    /// <summary>The week <paramref name="weeks"/> later (negative for earlier).</summary>
    public IsoWeekId AddWeeks(int weeks) => FromDate(Monday.AddDays(weeks * 7));

    /// <summary>The week before this one.</summary>
    public IsoWeekId Previous() => AddWeeks(-1);

    /// <summary>The week after this one.</summary>
    public IsoWeekId Next() => AddWeeks(1);

    /// <summary>The <paramref name="count"/> weeks before this one, oldest first.</summary>
    public IReadOnlyList<IsoWeekId> PreviousWeeks(int count)
    {
        var weeks = new IsoWeekId[Math.Max(0, count)];
        for (var i = 0; i < weeks.Length; i++)
        {
            weeks[i] = AddWeeks(i - weeks.Length);
        }

        return weeks;
    }

    /// <summary>
    /// The week as UTC instants for a timezone: [Monday 00:00 local, next Monday 00:00 local). Correct across DST changes
    /// (a week may last 167 or 169 hours); a midnight skipped by DST starts at the first existing moment of that day.
    /// </summary>
    public (DateTimeOffset StartUtc, DateTimeOffset EndUtc) GetUtcBounds(TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var monday = Monday.ToDateTime(TimeOnly.MinValue);
        return (TimeZones.ToUtc(monday, zone), TimeZones.ToUtc(monday.AddDays(7), zone));
    }

    /// <summary>The UTC instant when a local day of this week (in <paramref name="zone"/>) reaches <paramref name="time"/>.</summary>
    public DateTimeOffset LocalTimeToUtc(DayOfWeek day, TimeOnly time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var offsetFromMonday = ((int)day + 6) % 7; // Monday 0 … Sunday 6
        return TimeZones.ToUtc(Monday.AddDays(offsetFromMonday).ToDateTime(time), zone);
    }

    /// <inheritdoc />
    public int CompareTo(IsoWeekId other) => Year != other.Year ? Year.CompareTo(other.Year) : Week.CompareTo(other.Week);

    /// <summary>Earlier week.</summary>
    public static bool operator <(IsoWeekId left, IsoWeekId right) => left.CompareTo(right) < 0;

    /// <summary>Later week.</summary>
    public static bool operator >(IsoWeekId left, IsoWeekId right) => left.CompareTo(right) > 0;

    /// <summary>Earlier or same week.</summary>
    public static bool operator <=(IsoWeekId left, IsoWeekId right) => left.CompareTo(right) <= 0;

    /// <summary>Later or same week.</summary>
    public static bool operator >=(IsoWeekId left, IsoWeekId right) => left.CompareTo(right) >= 0;

    /// <summary>"2026-W48".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-W{Week:D2}");
}
