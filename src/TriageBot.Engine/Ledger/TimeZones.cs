namespace TriageBot.Engine.Ledger;

/// <summary>Timezone helpers: IANA lookup and local wall-clock → UTC conversion that is well defined across DST changes.</summary>
public static class TimeZones
{
    /// <summary>Finds an IANA timezone; returns false for unknown ids and for Windows-style ids.</summary>
    public static bool TryFindIana(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64)
        {
            return false;
        }

        var trimmed = id.Trim();
        if (string.Equals(trimmed, "UTC", StringComparison.OrdinalIgnoreCase) || string.Equals(trimmed, "Etc/UTC", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // IANA ids contain a '/' (Region/City) or are one of the few plain ones ("GMT", "CET"...); Windows ids contain spaces.
        if (trimmed.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(trimmed, out var found))
        {
            return false;
        }

        zone = found;
        return true;
    }

    /// <summary>Finds an IANA timezone, or UTC when the id is unknown (org files are validated on load; this is the safe fallback).</summary>
    public static TimeZoneInfo FindOrUtc(string? id) => TryFindIana(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>
    /// The UTC instant at which the wall clock in <paramref name="zone"/> first shows <paramref name="local"/>.
    /// A time skipped by a DST gap moves forward by the length of the gap (02:30 in a 02:00→03:00 gap becomes 03:30, and a
    /// skipped midnight becomes the moment the clock jumps); a repeated time maps to its first occurrence.
    /// </summary>
    public static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(unspecified))
        {
            // Read the skipped wall time with the offset in force just before the gap: it lands the gap length later.
            var before = zone.GetUtcOffset(unspecified.AddHours(-6));
            return new DateTimeOffset(unspecified - before, TimeSpan.Zero);
        }

        if (zone.IsAmbiguousTime(unspecified))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(unspecified);
            var largest = offsets.Max();
            return new DateTimeOffset(unspecified - largest, TimeSpan.Zero);
        }

        var offset = zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified - offset, TimeSpan.Zero);
    }

    /// <summary>The local date of an instant in a timezone.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
}
