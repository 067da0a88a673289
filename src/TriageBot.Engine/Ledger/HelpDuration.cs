using System.Globalization;
using TriageBot.Engine.Decisions;

namespace TriageBot.Engine.Ledger;

/// <summary>
/// Reads and writes help durations as people type them: "30m", "45min", "90" (minutes), "1h15m", "1.5h", "2h",
/// "1 h 30 min", "1 hour and 30 minutes", "1:30". Results are whole minutes, more than zero and at most 24 hours.
/// </summary>
public static class HelpDuration
{
    /// <summary>The longest duration accepted at once, in minutes (24 hours).</summary>
    public const int MaxMinutes = 24 * 60;

    /// <summary>The formats that work, for help texts.</summary>
    public const string Examples = "30m, 45min, 90 (minutes), 1h15m, 1.5h, 2h or 1 h 30 min";

    // Inputs longer than this are never durations; refusing early keeps parsing cheap on pasted text.
    private const int MaxInputLength = 40;

    /// <summary>Parses a duration into whole minutes.</summary>
    /// <exception cref="TriageUserException">The text is not a duration, or is zero, negative or over 24 hours; the message says what works.</exception>
    public static int Parse(string? text)
    {
        if (TryParse(text, out var minutes, out var error))
        {
            return minutes;
        }

        throw new TriageUserException(error!);
    }

    /// <summary>Tries to parse a duration into whole minutes.</summary>
    public static bool TryParse(string? text, out int minutes) => TryParse(text, out minutes, out _);

    /// <summary>Tries to parse a duration; on failure <paramref name="error"/> holds a friendly message saying what works.</summary>
    public static bool TryParse(string? text, out int minutes, out string? error)
    {
        minutes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"Tell me how long, for example {Examples}.";
            return false;
        }

        var s = text.Trim().ToLowerInvariant();
        if (s.Length > MaxInputLength)
        {
            error = Unreadable(text);
            return false;
        }

        if (s[0] == '-' || s[0] == '\u2212')
        {
            error = $"A duration can't be negative. Use for example {Examples}.";
            return false;
        }

        if (!TryReadMinutes(s, out var total))
        {
            error = Unreadable(text);
            return false;
        }

        var rounded = Math.Round(total, MidpointRounding.AwayFromZero);
        if (rounded < 1)
        {
            error = $"A duration must be at least one minute. Use for example {Examples}.";
            return false;
        }

        if (rounded > MaxMinutes)
        {
            error = $"That is more than 24 hours; log at most 24h at a time (for example {Examples}).";
            return false;
        }

        minutes = (int)rounded;
        error = null;
        return true;
    }

    /// <summary>Formats minutes compactly: 75 → "1h15m", 120 → "2h", 45 → "45m". Parses back to the same value.</summary>
    public static string Format(int minutes)
    {
        if (minutes <= 0)
        {
            return "0m";
        }

        var hours = minutes / 60;
        var rest = minutes % 60;
        if (hours == 0)
        {
            return rest.ToString(CultureInfo.InvariantCulture) + "m";
        }

        return rest == 0
            ? hours.ToString(CultureInfo.InvariantCulture) + "h"
            : string.Create(CultureInfo.InvariantCulture, $"{hours}h{rest}m");
    }

    /// <summary>Formats hours with at most one decimal ("4.5 h", "6 h") for sentences.</summary>
    public static string FormatHours(double hours)
    {
        var rounded = Math.Round(hours, 1, MidpointRounding.AwayFromZero);
        return rounded.ToString("0.#", CultureInfo.InvariantCulture) + " h";
    }

    private static string Unreadable(string text)
    {
        var shown = text.Trim();
        if (shown.Length > 20)
        {
            shown = shown[..20] + "…";
        }

        return $"I couldn't read \"{shown}\" as a duration. Use minutes or hours, for example {Examples} (at most 24h).";
    }

    private enum Unit
    {
        None,
        Hours,
        Minutes,
    }

    // Grammar: "H:MM" | component+, where component = number [unit], units in order hours then minutes,
    // a bare number is minutes (alone) or the minutes after an hours component ("1h15"); "and" may join components.
    private static bool TryReadMinutes(string s, out double total)
    {
        total = 0;
        var pos = 0;
        var last = Unit.None;
        var components = 0;

        while (true)
        {
            SkipSeparators(s, ref pos, components > 0);
            if (pos >= s.Length)
            {
                return components > 0;
            }

            if (!TryReadNumber(s, ref pos, out var value))
            {
                return false;
            }

            if (components == 0 && pos < s.Length && s[pos] == ':')
            {
                // "1:30" = one hour thirty minutes; nothing may follow.
                pos++;
                var start = pos;
                while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                {
                    pos++;
                }

                if (pos - start != 2 || value != Math.Floor(value) || pos != s.Length)
                {
                    return false;
                }

                var mm = int.Parse(s.AsSpan(start, 2), NumberStyles.None, CultureInfo.InvariantCulture);
                if (mm >= 60)
                {
                    return false;
                }

                total = (value * 60) + mm;
                return true;
            }

            while (pos < s.Length && s[pos] == ' ')
            {
                pos++;
            }

            var unitStart = pos;
            while (pos < s.Length && char.IsAsciiLetterLower(s[pos]))
            {
                pos++;
            }

            var unit = s[unitStart..pos] switch
            {
                "" => last == Unit.Hours ? Unit.Minutes : components == 0 ? Unit.Minutes : Unit.None,
                "h" or "hr" or "hrs" or "hour" or "hours" => Unit.Hours,
                "m" or "min" or "mins" or "minute" or "minutes" => Unit.Minutes,
                _ => Unit.None,
            };

            // Units must be known, used once, and hours before minutes.
            if (unit == Unit.None || (last != Unit.None && unit <= last))
            {
                return false;
            }

            total += unit == Unit.Hours ? value * 60 : value;
            last = unit;
            components++;
        }
    }

    private static void SkipSeparators(string s, ref int pos, bool allowAnd)
    {
        while (pos < s.Length)
        {
            if (s[pos] == ' ')
            {
                pos++;
            }
            else if (allowAnd && string.CompareOrdinal(s, pos, "and ", 0, 4) == 0)
            {
                pos += 4;
            }
            else
            {
                return;
            }
        }
    }

    private static bool TryReadNumber(string s, ref int pos, out double value)
    {
        value = 0;
        var start = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }

        var intEnd = pos;
        if (pos + 1 < s.Length && (s[pos] == '.' || s[pos] == ',') && char.IsAsciiDigit(s[pos + 1]))
        {
            pos++;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }
        }
        else if (intEnd == start && pos + 1 < s.Length && s[pos] == '.' && char.IsAsciiDigit(s[pos + 1]))
        {
            // ".5h"
            pos++;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }
        }

        if (pos == start || pos - start > 8)
        {
            return false;
        }

        var number = s.AsSpan(start, pos - start).ToString().Replace(',', '.');
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }
}
