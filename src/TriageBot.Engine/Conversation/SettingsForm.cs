using System.Globalization;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Conversation;

/// <summary>A field of the Lead's settings form.</summary>
public enum SettingsField
{
    /// <summary>Weekly help budget in hours.</summary>
    Budget,

    /// <summary>Digest day.</summary>
    DigestDay,

    /// <summary>Digest local time.</summary>
    DigestTime,

    /// <summary>IANA timezone.</summary>
    TimeZone,
}

/// <summary>The settings form as submitted from any surface: the raw text of each field, blank meaning "leave as is".</summary>
/// <param name="Budget">Budget in hours ("6", "7.5", "6h").</param>
/// <param name="DigestDay">Day name ("Friday").</param>
/// <param name="DigestTime">24-hour time ("16:00").</param>
/// <param name="TimeZone">IANA timezone ("Europe/Berlin").</param>
public sealed record SettingsForm(string? Budget, string? DigestDay, string? DigestTime, string? TimeZone)
{
    /// <summary>The highest weekly budget a Lead can set.</summary>
    public const double MaxBudgetHours = 60;

    /// <summary>Reads and validates the form once, for every surface: the change, or each wrong field with what is wrong.</summary>
    public (SettingsChange Change, IReadOnlyDictionary<SettingsField, string> Errors) Parse()
    {
        var errors = new Dictionary<SettingsField, string>();
        double? budget = null;
        if (!string.IsNullOrWhiteSpace(Budget))
        {
            if (ParseHours(Budget) is { } b && b is >= 0 and <= MaxBudgetHours)
            {
                budget = b;
            }
            else
            {
                errors[SettingsField.Budget] = "Give a number of hours between 0 and 60, e.g. 6 or 7.5.";
            }
        }

        DayOfWeek? day = null;
        if (!string.IsNullOrWhiteSpace(DigestDay))
        {
            if (Enum.TryParse<DayOfWeek>(DigestDay.Trim(), ignoreCase: true, out var d) && Enum.IsDefined(d) && !int.TryParse(DigestDay, out _))
            {
                day = d;
            }
            else
            {
                errors[SettingsField.DigestDay] = "Pick a day of the week.";
            }
        }

        TimeOnly? time = null;
        if (!string.IsNullOrWhiteSpace(DigestTime))
        {
            if (TimeOnly.TryParseExact(DigestTime.Trim(), ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                time = t;
            }
            else
            {
                errors[SettingsField.DigestTime] = "Use 24-hour HH:mm, e.g. 16:00.";
            }
        }

        string? zone = null;
        if (!string.IsNullOrWhiteSpace(TimeZone))
        {
            // The same check the use case makes: a timezone this form accepts is one the engine stores.
            if (TimeZones.TryFindIana(TimeZone, out _))
            {
                zone = TimeZone.Trim();
            }
            else
            {
                errors[SettingsField.TimeZone] = "Use an IANA timezone such as Europe/Berlin or America/Sao_Paulo.";
            }
        }

        return (new SettingsChange(budget, day, time, zone), errors);
    }

    /// <summary>"6", "6h", "6.5 h" → hours; null when it is not a number.</summary>
    public static double? ParseHours(string? text) =>
        double.TryParse((text ?? string.Empty).Trim().TrimEnd('h', 'H').Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var hours)
            && double.IsFinite(hours) ? hours : null;
}
