using System.Globalization;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ledger;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;

namespace TriageBot.Engine.Digest;

/// <summary>Everything the digest figures are computed from, already loaded from the stores.</summary>
/// <param name="Tenant">Tenant key.</param>
/// <param name="Lead">The Lead.</param>
/// <param name="Week">The ISO week.</param>
/// <param name="Zone">The Lead's timezone (week and day boundaries).</param>
/// <param name="BudgetHours">The Lead's weekly budget.</param>
/// <param name="Requests">The Lead's requests received from the start of the trend/repeat window to the end of the week.</param>
/// <param name="Entries">The Lead's time entries from the start of the trend window to the end of the week.</param>
/// <param name="Horizons">The latest horizon answer of each request taken this week (by request id).</param>
public sealed record DigestData(
    string Tenant,
    Person Lead,
    IsoWeekId Week,
    TimeZoneInfo Zone,
    double BudgetHours,
    IReadOnlyList<RequestRecord> Requests,
    IReadOnlyList<TimeEntry> Entries,
    IReadOnlyDictionary<Guid, AnswerValue> Horizons)
{
    /// <summary>The week's requests whose topic the Lead corrected on the card.</summary>
    public IReadOnlySet<Guid> CorrectedTopics { get; init; } = new HashSet<Guid>();
}

/// <summary>
/// Computes a Lead's weekly digest: hours vs budget (and the share of a 40-hour week), requests received / taken /
/// redirected / clarified, hours by help kind and topic, top requesters, repeated topics, redirect targets, a leverage
/// estimate, daily hours by kind (Monday..Sunday in the Lead's timezone), the trend of the previous four weeks and highlights.
/// </summary>
/// <remarks>
/// Counts are over requests received this week (in the Lead's timezone and ISO week), grouped by their current status.
/// Hours are logged (non-estimate) time entries dated this week. Leverage: each request taken this week is assumed to
/// guide <see cref="GuidedHoursLong"/> hours of the requester's work when its horizon answer is long,
/// <see cref="GuidedHoursShort"/> when short and <see cref="GuidedHoursUnsure"/> otherwise; the latest decision version
/// is used, so a Lead's follow-up correction of the horizon counts. Leverage = hours guided / hours invested.
/// </remarks>
public sealed class DigestBuilder
{
    /// <summary>Hours of requester work guided by a taken request whose answer guides work for weeks or more (a working week).</summary>
    public const double GuidedHoursLong = 40;

    /// <summary>Hours guided by a one-off answer (half a day).</summary>
    public const double GuidedHoursShort = 4;

    /// <summary>Hours guided when the horizon is unknown (a day).</summary>
    public const double GuidedHoursUnsure = 8;

    /// <summary>The working week the share is measured against.</summary>
    public const double HoursPerWeek = 40;

    /// <summary>Weeks in the trend.</summary>
    public const int TrendWeeks = 4;

    /// <summary>Requesters listed.</summary>
    public const int MaxTopRequesters = 5;

    /// <summary>Topic id used for time not tied to a topic.</summary>
    public const string NoTopicId = "(none)";

    private readonly OrgDirectory _org;
    private readonly DecisionPolicy _policy;
    private readonly IRequestStore _requests;
    private readonly ITimeLedger _ledger;

    /// <summary>Creates a builder over the stores.</summary>
    public DigestBuilder(OrgDirectory org, DecisionPolicy policy, IRequestStore requests, ITimeLedger ledger)
    {
        _org = org ?? throw new ArgumentNullException(nameof(org));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _requests = requests ?? throw new ArgumentNullException(nameof(requests));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
    }

    /// <summary>Loads the week (two range queries plus one decision lookup per taken request) and computes the digest.</summary>
    public async Task<WeeklyDigest> BuildAsync(string tenant, Person lead, IsoWeekId week, EffectiveLeadSettings settings, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentNullException.ThrowIfNull(settings);
        var zone = TimeZones.FindOrUtc(settings.TimeZone);
        var (weekStart, weekEnd) = week.GetUtcBounds(zone);
        var trendStart = week.AddWeeks(-TrendWeeks).GetUtcBounds(zone).StartUtc;
        var repeatStart = weekEnd.AddDays(-_policy.RepeatWindowDays);
        var from = repeatStart < trendStart ? repeatStart : trendStart;

        var requests = await _requests.ListForLeadAsync(tenant, lead.Id, from, weekEnd, ct);
        var entries = await _ledger.ListForLeadAsync(tenant, lead.Id, trendStart, weekEnd, ct);

        var horizons = new Dictionary<Guid, AnswerValue>();
        var corrected = new HashSet<Guid>();
        foreach (var request in requests)
        {
            if (request.ReceivedAt < weekStart)
            {
                continue;
            }

            // The week's requests only: their latest decision gives the horizon of the taken ones, and shows whether the
            // Lead corrected the topic found at triage (the request keeps the topic it was triaged with).
            var decision = await _requests.GetLatestDecisionAsync(tenant, request.Id, ct);
            if (IsTaken(request.Status))
            {
                var horizon = decision?.Decision.Answers.FirstOrDefault(a => a.Question == Question.Horizon);
                horizons[request.Id] = horizon?.Value ?? AnswerValue.Unsure;
            }

            // A topic the Lead chose, or "no topic" where the bot had found one.
            if (decision?.Decision.Analysis is { } analysis
                && (analysis.TopTopic is { } top
                    ? !string.Equals(top.TopicId, request.TopicId, StringComparison.Ordinal)
                    : analysis.ClarifyReason == Analysis.ClarifyReason.NoTopicByLead && request.TopicId is not null))
            {
                corrected.Add(request.Id);
            }
        }

        return Compose(new DigestData(tenant, lead, week, zone, settings.BudgetHours, requests, entries, horizons) { CorrectedTopics = corrected }, _org, _policy);
    }

    /// <summary>Computes the digest from loaded data (pure).</summary>
    public static WeeklyDigest Compose(DigestData data, OrgDirectory org, DecisionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(org);
        ArgumentNullException.ThrowIfNull(policy);

        var zone = data.Zone;
        var (start, end) = data.Week.GetUtcBounds(zone);
        var weekRequests = data.Requests.Where(r => r.ReceivedAt >= start && r.ReceivedAt < end).ToList();
        var weekEntries = data.Entries.Where(e => e.At >= start && e.At < end).ToList();
        var logged = weekEntries.Where(e => !e.IsEstimate).ToList();

        var hoursSpent = Hours(logged.Sum(e => e.Minutes));
        var estimated = Hours(weekEntries.Where(e => e.IsEstimate).Sum(e => e.Minutes));
        var taken = weekRequests.Where(r => IsTaken(r.Status)).ToList();
        var redirected = weekRequests.Where(r => r.Status == RequestStatus.Redirected).ToList();
        var clarified = weekRequests.Count(r => r.Status == RequestStatus.Clarified);

        var byKind = Enum.GetValues<HelpKind>()
            .Select(k => new KindHours(k, Hours(logged.Where(e => e.Kind == k).Sum(e => e.Minutes))))
            .ToList();

        var byTopic = BuildTopics(org, logged, weekRequests);
        var topRequesters = BuildRequesters(org, weekRequests, logged);
        var repeated = BuildRepeated(org, policy, data.Requests, end);
        var redirectTargets = redirected
            .GroupBy(r => (r.OwnerType, Id: r.OwnerId ?? "?"))
            .Select(g => new RedirectTarget(g.Key.Id, OwnerName(org, g.Key.OwnerType, g.Key.Id), g.Count()))
            .OrderByDescending(t => t.Count)
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();

        var guided = taken.Sum(r => GuidedHours(data.Horizons.TryGetValue(r.Id, out var h) ? h : AnswerValue.Unsure));
        var leverage = hoursSpent > 0 ? Math.Round(guided / hoursSpent, 2) : 0;

        var daily = BuildDaily(data.Week, zone, logged);
        var trend = data.Week.PreviousWeeks(TrendWeeks)
            .Select(w =>
            {
                var (ws, we) = w.GetUtcBounds(zone);
                var rs = data.Requests.Where(r => r.ReceivedAt >= ws && r.ReceivedAt < we).ToList();
                var minutes = data.Entries.Where(e => !e.IsEstimate && e.At >= ws && e.At < we).Sum(e => e.Minutes);
                return new WeekTrend(w.ToString(), Hours(minutes), rs.Count, rs.Count(r => IsTaken(r.Status)));
            })
            .ToList();

        WeeklyDigest digest = new(
            data.Tenant,
            data.Lead.Id,
            data.Lead.Name,
            data.Week.ToString(),
            data.Week.Monday,
            zone.Id,
            hoursSpent,
            estimated,
            data.BudgetHours,
            Math.Round(hoursSpent / HoursPerWeek, 4),
            weekRequests.Count,
            taken.Count,
            redirected.Count,
            clarified,
            byKind,
            byTopic,
            topRequesters,
            repeated,
            redirectTargets,
            guided,
            leverage,
            daily,
            trend,
            []);
        digest = digest with
        {
            NoTopicAtTriage = weekRequests.Count(r => r.TopicId is null),
            TopicCorrections = weekRequests.Count(r => data.CorrectedTopics.Contains(r.Id)),
        };
        return digest with { Highlights = Highlights(digest, policy) };
    }

    /// <summary>Hours of requester work guided by one taken request with this horizon answer.</summary>
    public static double GuidedHours(AnswerValue horizon) => horizon switch
    {
        AnswerValue.Long => GuidedHoursLong,
        AnswerValue.Short => GuidedHoursShort,
        _ => GuidedHoursUnsure,
    };

    private static bool IsTaken(RequestStatus status) => status is RequestStatus.Taken or RequestStatus.Done;

    private static double Hours(int minutes) => Math.Round(minutes / 60.0, 2);

    private static List<TopicHours> BuildTopics(OrgDirectory org, List<TimeEntry> logged, List<RequestRecord> weekRequests)
    {
        var minutes = logged.GroupBy(e => e.TopicId ?? NoTopicId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Minutes), StringComparer.Ordinal);
        var counts = weekRequests.GroupBy(r => r.TopicId ?? NoTopicId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return minutes.Keys.Union(counts.Keys, StringComparer.Ordinal)
            .Select(id => new TopicHours(
                id,
                id == NoTopicId ? "No topic" : org.FindTopic(id)?.Name ?? id,
                Hours(minutes.GetValueOrDefault(id)),
                counts.GetValueOrDefault(id)))
            .OrderByDescending(t => t.Hours)
            .ThenByDescending(t => t.Requests)
            .ThenBy(t => t.TopicName, StringComparer.Ordinal)
            .ToList();
    }

    private static List<RequesterCount> BuildRequesters(OrgDirectory org, List<RequestRecord> weekRequests, List<TimeEntry> logged)
    {
        var minutesByRequester = logged.Where(e => e.RequesterId is not null)
            .GroupBy(e => e.RequesterId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(e => e.Minutes), StringComparer.Ordinal);
        return weekRequests
            .GroupBy(r => r.RequesterId, StringComparer.Ordinal)
            .Select(g => new RequesterCount(
                g.Key,
                org.FindPerson(g.Key)?.Name ?? g.Last().RequesterName,
                g.Count(),
                Hours(minutesByRequester.GetValueOrDefault(g.Key))))
            .OrderByDescending(r => r.Requests)
            .ThenByDescending(r => r.Hours)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .Take(MaxTopRequesters)
            .ToList();
    }

    private static List<RepeatedTopic> BuildRepeated(OrgDirectory org, DecisionPolicy policy, IReadOnlyList<RequestRecord> requests, DateTimeOffset weekEnd)
    {
        var windowStart = weekEnd.AddDays(-policy.RepeatWindowDays);
        var window = DecisionCardPresenter.WindowText(policy.RepeatWindowDays);
        return requests
            .Where(r => r.TopicId is not null && r.ReceivedAt >= windowStart && r.ReceivedAt < weekEnd)
            .GroupBy(r => r.TopicId!, StringComparer.Ordinal)
            .Where(g => g.Count() >= policy.RepeatThreshold)
            .Select(g =>
            {
                var name = org.FindTopic(g.Key)?.Name ?? g.Key;
                var people = g.Select(r => r.RequesterId).Distinct(StringComparer.Ordinal).Count();
                var suggestion = people > 1
                    ? $"Asked {g.Count()} times by {people} people in {window}: write it up once (a short guide or FAQ) or run a group session."
                    : $"Asked {g.Count()} times in {window}: write it up once so the answer can be reused, or pair on it in one longer session.";
                return new RepeatedTopic(g.Key, name, g.Count(), suggestion);
            })
            .OrderByDescending(t => t.CountInWindow)
            .ThenBy(t => t.TopicName, StringComparer.Ordinal)
            .ToList();
    }

    private static List<DailyHours> BuildDaily(IsoWeekId week, TimeZoneInfo zone, List<TimeEntry> logged)
    {
        // One timezone conversion per entry, then a fixed Monday..Sunday grid.
        var minutes = new int[7, 3];
        foreach (var entry in logged)
        {
            var index = TimeZones.LocalDate(entry.At, zone).DayNumber - week.Monday.DayNumber;
            if (index is >= 0 and < 7)
            {
                var kind = entry.Kind switch
                {
                    HelpKind.Teach => 0,
                    HelpKind.Review => 2,
                    _ => 1,
                };
                minutes[index, kind] += entry.Minutes;
            }
        }

        var days = new List<DailyHours>(7);
        for (var i = 0; i < 7; i++)
        {
            days.Add(new DailyHours(week.Monday.AddDays(i), Hours(minutes[i, 0]), Hours(minutes[i, 1]), Hours(minutes[i, 2])));
        }

        return days;
    }

    private static string OwnerName(OrgDirectory org, OwnerType? type, string id) => type switch
    {
        OwnerType.Team => org.FindTeam(id)?.Name ?? id,
        _ => org.FindPerson(id)?.Name ?? org.FindTeam(id)?.Name ?? id,
    };

    private static List<string> Highlights(WeeklyDigest d, DecisionPolicy policy)
    {
        var lines = new List<string>();
        string H(double h) => HelpDuration.FormatHours(h);
        string Pct(double f) => Math.Round(f * 100, MidpointRounding.AwayFromZero).ToString(CultureInfo.InvariantCulture) + "%";

        if (d.Received == 0 && d.HoursSpent == 0)
        {
            lines.Add("A quiet week: no help requests reached you and no help time was logged.");
        }
        else if (d.BudgetHours > 0 && d.HoursSpent > d.BudgetHours)
        {
            lines.Add($"You spent {H(d.HoursSpent)} helping, {H(d.HoursSpent - d.BudgetHours)} over your {H(d.BudgetHours)} budget ({Pct(d.ShareOfWeek)} of a 40-hour week).");
        }
        else
        {
            var ofBudget = d.BudgetHours > 0 ? $" of your {H(d.BudgetHours)} budget" : "";
            lines.Add($"You spent {H(d.HoursSpent)}{ofBudget} helping ({Pct(d.ShareOfWeek)} of a 40-hour week).");
        }

        if (d.Received > 0)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{d.Received} request{(d.Received == 1 ? "" : "s")} reached you: {d.Taken} taken, {d.Redirected} redirected, {d.Clarified} clarified."));
            if (d.TopicCorrections > 0)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"You corrected the topic of {d.TopicCorrections} request{(d.TopicCorrections == 1 ? "" : "s")}; similar requests are now understood. `triagebot org coverage` suggests keywords for the org file."));
            }
        }

        var previous = d.Trend.Where(t => t.Hours > 0 || t.Received > 0).ToList();
        if (previous.Count > 0)
        {
            var average = d.Trend.Average(t => t.Hours);
            var diff = d.HoursSpent - average;
            if (Math.Abs(diff) >= 0.5)
            {
                lines.Add($"{(diff > 0 ? "Up" : "Down")} {H(Math.Abs(diff))} on your {d.Trend.Count}-week average of {H(average)}.");
            }
            else
            {
                lines.Add($"In line with your {d.Trend.Count}-week average of {H(average)}.");
            }
        }

        foreach (var topic in d.RepeatedTopics.Take(2))
        {
            lines.Add($"{topic.TopicName} came up {topic.CountInWindow} times in {DecisionCardPresenter.WindowText(policy.RepeatWindowDays)}: a write-up or group session would answer it once.");
        }

        if (d.RedirectedTo.Count > 0)
        {
            var top = d.RedirectedTo[0];
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"You redirected {d.Redirected} request{(d.Redirected == 1 ? "" : "s")}; {top.Name} got {top.Count}."));
        }

        if (d.HoursSpent > 0 && d.HoursGuided > 0)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"Your {H(d.HoursSpent)} of help guided about {H(d.HoursGuided)} of others' work ({d.Leverage:0.#}× leverage)."));
        }

        return lines;
    }
}
