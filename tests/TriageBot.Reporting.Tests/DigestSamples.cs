using TriageBot.Engine.Digest;
using TriageBot.Engine.Ports;

namespace TriageBot.Reporting.Tests;

internal static class DigestSamples
{
    public static readonly DateOnly Monday = new(2026, 11, 23);

    public static WeeklyDigest Busy(double budget = 6)
    {
        (double Teach, double Do, double Review)[] hours =
        [
            (1.5, 0.5, 0), (0, 1, 0.5), (2, 0, 0.75), (0.5, 0.5, 0), (1, 0.25, 0.5), (0, 0, 0), (0, 0, 0),
        ];
        var daily = hours.Select((h, i) => new DailyHours(Monday.AddDays(i), h.Teach, h.Do, h.Review)).ToList();
        var total = daily.Sum(d => d.Total);
        return new WeeklyDigest(
            "local", "ana", "Ana Lima", "2026-W48", Monday, "America/Sao_Paulo",
            total, 8, budget, total / 40, 12, 7, 4, 1,
            [new KindHours(HelpKind.Teach, 5), new KindHours(HelpKind.Do, 2.25), new KindHours(HelpKind.Review, 1.75)],
            [new TopicHours("causal-inference", "Causal inference", 4.5, 5), new TopicHours("sql", "SQL", 1, 2)],
            [new RequesterCount("bob", "Bob Stone", 3, 2.5)],
            [new RepeatedTopic("causal-inference", "Causal inference", 4, "Write it up for the team")],
            [new RedirectTarget("platform-ml", "ML Platform", 2)],
            20, 20 / total, daily,
            [new WeekTrend("2026-W44", 3, 5, 2), new WeekTrend("2026-W45", 4, 6, 3), new WeekTrend("2026-W46", 5, 7, 3), new WeekTrend("2026-W47", 6, 8, 4)],
            ["Over budget by 3 h."]);
    }

    public static WeeklyDigest Empty() => new(
        "local", "ana", "Ana Lima", "2026-W48", Monday, "UTC",
        0, 0, 6, 0, 0, 0, 0, 0, [], [], [], [], [], 0, 0,
        Enumerable.Range(0, 7).Select(i => new DailyHours(Monday.AddDays(i), 0, 0, 0)).ToList(), [], []);
}
