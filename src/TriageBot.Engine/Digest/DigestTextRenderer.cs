using System.Globalization;
using System.Text;
using TriageBot.Engine.Ledger;

namespace TriageBot.Engine.Digest;

/// <summary>Renders a <see cref="WeeklyDigest"/> as plain text (notification fallback, CLI, tests). No markup; adapters escape as needed.</summary>
public static class DigestTextRenderer
{
    /// <summary>Renders the digest.</summary>
    public static string Render(WeeklyDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string H(double h) => HelpDuration.FormatHours(h);

        sb.Append(c, $"Weekly help digest for {digest.LeadName}, {digest.IsoWeek} (week of {digest.WeekStart:yyyy-MM-dd}, {digest.TimeZone})").Append('\n');
        sb.Append('\n');
        sb.Append(c, $"Help time: {H(digest.HoursSpent)} of {H(digest.BudgetHours)} budget, {Math.Round(digest.ShareOfWeek * 100, MidpointRounding.AwayFromZero)}% of a 40-hour week");
        if (digest.EstimatedHours > 0)
        {
            sb.Append(c, $" (estimated at take: {H(digest.EstimatedHours)})");
        }

        sb.Append('\n');
        sb.Append(c, $"Requests: {digest.Received} received, {digest.Taken} taken, {digest.Redirected} redirected, {digest.Clarified} clarified").Append('\n');
        if (digest.Received > 0)
        {
            sb.Append(c, $"Understanding: {digest.NoTopicAtTriage} of {digest.Received} had no clear topic on arrival, {digest.TopicCorrections} topic{(digest.TopicCorrections == 1 ? "" : "s")} corrected by you").Append('\n');
        }
        sb.Append("By kind: ").AppendJoin(", ", digest.HoursByKind.Select(k => $"{k.Kind.ToString().ToLowerInvariant()} {H(k.Hours)}")).Append('\n');

        if (digest.HoursByTopic.Count > 0)
        {
            sb.Append("\nBy topic:\n");
            foreach (var t in digest.HoursByTopic)
            {
                sb.Append(c, $"  - {t.TopicName}: {H(t.Hours)}, {t.Requests} request{(t.Requests == 1 ? "" : "s")}").Append('\n');
            }
        }

        if (digest.TopRequesters.Count > 0)
        {
            sb.Append("\nTop requesters:\n");
            foreach (var r in digest.TopRequesters)
            {
                sb.Append(c, $"  - {r.Name}: {r.Requests} request{(r.Requests == 1 ? "" : "s")}, {H(r.Hours)}").Append('\n');
            }
        }

        if (digest.RepeatedTopics.Count > 0)
        {
            sb.Append("\nWrite-up candidates:\n");
            foreach (var t in digest.RepeatedTopics)
            {
                sb.Append(c, $"  - {t.TopicName} ({t.CountInWindow}×): {t.Suggestion}").Append('\n');
            }
        }

        if (digest.RedirectedTo.Count > 0)
        {
            sb.Append("\nRedirected to:\n");
            foreach (var t in digest.RedirectedTo)
            {
                sb.Append(c, $"  - {t.Name}: {t.Count}").Append('\n');
            }
        }

        sb.Append(c, $"\nLeverage: about {H(digest.HoursGuided)} of others' work guided for {H(digest.HoursSpent)} invested");
        if (digest.HoursSpent > 0)
        {
            sb.Append(c, $" ({digest.Leverage:0.#}×)");
        }

        sb.Append('\n');

        sb.Append("\nDaily (teach/do/review):\n");
        foreach (var d in digest.Daily)
        {
            sb.Append(c, $"  {d.Day:ddd yyyy-MM-dd}: {H(d.Total)}");
            if (d.Total > 0)
            {
                sb.Append(c, $" ({H(d.Teach)} / {H(d.Do)} / {H(d.Review)})");
            }

            sb.Append('\n');
        }

        if (digest.Trend.Count > 0)
        {
            sb.Append("\nTrend:\n");
            foreach (var t in digest.Trend)
            {
                sb.Append(c, $"  {t.IsoWeek}: {H(t.Hours)}, {t.Received} received, {t.Taken} taken").Append('\n');
            }

            sb.Append(c, $"  {digest.IsoWeek}: {H(digest.HoursSpent)}, {digest.Received} received, {digest.Taken} taken (this week)").Append('\n');
        }

        if (digest.Highlights.Count > 0)
        {
            sb.Append("\nHighlights:\n");
            foreach (var h in digest.Highlights)
            {
                sb.Append("  * ").Append(h).Append('\n');
            }
        }

        return sb.ToString();
    }
}
