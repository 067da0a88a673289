using System.Globalization;
using System.Text;
using TriageBot.Engine.Digest;

namespace TriageBot.Reporting;

/// <summary>
/// Writes a <see cref="WeeklyDigest"/> as one RFC 4180 CSV table in "long" form, so any CSV reader or spreadsheet
/// can load it and pivot it without knowing about sections.
/// </summary>
/// <remarks>
/// <para>Header: <c>section,key,name,metric,value</c>. Every row has exactly these five fields; lines end with CRLF.</para>
/// <list type="table">
/// <item><term>summary</term><description>key empty; metric one of tenant, lead_id, lead_name, iso_week, week_start, timezone, hours_spent,
/// estimated_hours, budget_hours, share_of_week, received, taken, redirected, clarified, hours_guided, leverage.</description></item>
/// <item><term>daily</term><description>key = local date (yyyy-MM-dd), name = weekday; metrics teach, do, review, total (hours).</description></item>
/// <item><term>kind</term><description>key = teach|do|review; metric hours.</description></item>
/// <item><term>topic</term><description>key = topic id, name = topic name; metrics hours, requests.</description></item>
/// <item><term>requester</term><description>key = requester id, name = display name; metrics requests, hours.</description></item>
/// <item><term>repeated</term><description>key = topic id, name = topic name; metrics count, suggestion.</description></item>
/// <item><term>redirected_to</term><description>key = owner id, name = owner name; metric count.</description></item>
/// <item><term>trend</term><description>key = ISO week; metrics hours, received, taken (oldest first).</description></item>
/// <item><term>highlight</term><description>key = 1, 2, …; metric text.</description></item>
/// </list>
/// <para>Numbers use the invariant culture ("." decimal separator). Fields containing a comma, a double quote, CR or LF are
/// quoted and their quotes doubled. Free text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR)
/// is prefixed with an apostrophe: names and highlights come from chat users, and opening an export must never run them.</para>
/// </remarks>
public static class DigestCsv
{
    /// <summary>The header row's fields.</summary>
    public static IReadOnlyList<string> Header { get; } = ["section", "key", "name", "metric", "value"];

    /// <summary>Writes the digest as CSV text (CRLF line endings, no byte-order mark).</summary>
    public static string Write(WeeklyDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var sb = new StringBuilder();
        AppendRow(sb, Header);

        void Text(string section, string key, string name, string metric, string? value) =>
            AppendRow(sb, [section, Safe(key), Safe(name), metric, Safe(value ?? string.Empty)]);
        void Number(string section, string key, string name, string metric, double value) =>
            AppendRow(sb, [section, Safe(key), Safe(name), metric, Format(value)]);

        Text("summary", "", "", "tenant", digest.Tenant);
        Text("summary", "", "", "lead_id", digest.LeadId);
        Text("summary", "", "", "lead_name", digest.LeadName);
        Text("summary", "", "", "iso_week", digest.IsoWeek);
        Text("summary", "", "", "week_start", digest.WeekStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Text("summary", "", "", "timezone", digest.TimeZone);
        Number("summary", "", "", "hours_spent", digest.HoursSpent);
        Number("summary", "", "", "estimated_hours", digest.EstimatedHours);
        Number("summary", "", "", "budget_hours", digest.BudgetHours);
        Number("summary", "", "", "share_of_week", digest.ShareOfWeek);
        Number("summary", "", "", "received", digest.Received);
        Number("summary", "", "", "taken", digest.Taken);
        Number("summary", "", "", "redirected", digest.Redirected);
        Number("summary", "", "", "clarified", digest.Clarified);
        Number("summary", "", "", "hours_guided", digest.HoursGuided);
        Number("summary", "", "", "leverage", digest.Leverage);

        foreach (var d in digest.Daily)
        {
            var key = d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var name = d.Day.DayOfWeek.ToString();
            Number("daily", key, name, "teach", d.Teach);
            Number("daily", key, name, "do", d.Do);
            Number("daily", key, name, "review", d.Review);
            Number("daily", key, name, "total", d.Total);
        }

        foreach (var k in digest.HoursByKind)
        {
            Number("kind", k.Kind.ToString().ToLowerInvariant(), k.Kind.ToString(), "hours", k.Hours);
        }

        foreach (var t in digest.HoursByTopic)
        {
            Number("topic", t.TopicId, t.TopicName, "hours", t.Hours);
            Number("topic", t.TopicId, t.TopicName, "requests", t.Requests);
        }

        foreach (var r in digest.TopRequesters)
        {
            Number("requester", r.RequesterId, r.Name, "requests", r.Requests);
            Number("requester", r.RequesterId, r.Name, "hours", r.Hours);
        }

        foreach (var r in digest.RepeatedTopics)
        {
            Number("repeated", r.TopicId, r.TopicName, "count", r.CountInWindow);
            Text("repeated", r.TopicId, r.TopicName, "suggestion", r.Suggestion);
        }

        foreach (var r in digest.RedirectedTo)
        {
            Number("redirected_to", r.OwnerId, r.Name, "count", r.Count);
        }

        foreach (var w in digest.Trend)
        {
            Number("trend", w.IsoWeek, "", "hours", w.Hours);
            Number("trend", w.IsoWeek, "", "received", w.Received);
            Number("trend", w.IsoWeek, "", "taken", w.Taken);
        }

        for (var i = 0; i < digest.Highlights.Count; i++)
        {
            Text("highlight", (i + 1).ToString(CultureInfo.InvariantCulture), "", "text", digest.Highlights[i]);
        }

        return sb.ToString();
    }

    /// <summary>Quotes one field per RFC 4180 when it contains a comma, a double quote, CR or LF.</summary>
    public static string Quote(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
    }

    private static void AppendRow(StringBuilder sb, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Quote(fields[i]));
        }

        sb.Append("\r\n");
    }

    // Spreadsheet formula injection guard for user-supplied text (OWASP "CSV injection").
    private static string Safe(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static string Format(double value) =>
        Math.Round(value, 3).ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>The engine's <see cref="IDigestCsvWriter"/> port over <see cref="DigestCsv"/>.</summary>
public sealed class DigestCsvWriter : IDigestCsvWriter
{
    /// <inheritdoc />
    public string Write(WeeklyDigest digest) => DigestCsv.Write(digest);
}
