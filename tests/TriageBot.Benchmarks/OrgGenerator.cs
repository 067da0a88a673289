using System.Globalization;
using TriageBot.Engine.Org;

namespace TriageBot.Benchmarks;

/// <summary>
/// Builds large, deterministic orgs for benchmarks: the same arguments always give the same org.
/// People have a few skills each, teams ~10 members, a fifth of the teams are service teams with an intake,
/// about a tenth of the people have an away period.
/// </summary>
public static class OrgGenerator
{
    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "su", "da", "fo", "gi", "ha", "ju", "be", "co", "xe", "yo", "wa",
    ];

    /// <summary>Generates an org.</summary>
    /// <param name="people">Number of people.</param>
    /// <param name="teams">Number of teams.</param>
    /// <param name="topics">Number of topics.</param>
    /// <param name="seed">Random seed.</param>
    public static OrgDirectory Generate(int people, int teams, int topics, int seed = 42)
    {
        var random = new Random(seed);
        var topicList = new List<Topic>(topics);
        for (var t = 0; t < topics; t++)
        {
            var keywords = new List<string>();
            for (var k = 0; k < 6; k++)
            {
                keywords.Add(Word((t * 8) + k));
            }

            // Two multi-word phrases per topic, sharing common words across topics like real keywords do.
            keywords.Add($"{Word((t * 8) + 6)} analysis");
            keywords.Add($"data {Word((t * 8) + 7)} pipeline");
            topicList.Add(new Topic(TopicId(t), $"Topic {Word(t * 8)}", keywords));
        }

        var teamMembers = new List<string>[teams];
        for (var i = 0; i < teams; i++)
        {
            teamMembers[i] = [];
        }

        var personList = new List<Person>(people);
        for (var p = 0; p < people; p++)
        {
            var level = random.Next(100) switch
            {
                < 5 => Level.Intern,
                < 25 => Level.Junior,
                < 55 => Level.Mid,
                < 80 => Level.Senior,
                < 92 => Level.Lead,
                < 95 => Level.Staff,
                < 97 => Level.Principal,
                _ => Level.Manager,
            };
            var skillCount = 3 + random.Next(4);
            var skills = new Dictionary<string, int>(StringComparer.Ordinal);
            while (skills.Count < skillCount)
            {
                skills[TopicId(random.Next(topics))] = 1 + random.Next(5);
            }

            var away = new List<AwayPeriod>();
            if (random.Next(10) == 0)
            {
                var start = new DateOnly(2026, 1, 1).AddDays(random.Next(365));
                away.Add(new AwayPeriod(start, start.AddDays(3 + random.Next(14))));
            }

            var team = p % teams;
            var id = PersonId(p);
            teamMembers[team].Add(id);
            double? budget = level is Level.Lead or Level.Staff or Level.Principal ? 4 + random.Next(5) : null;
            personList.Add(new Person(
                id,
                $"Person {p.ToString(CultureInfo.InvariantCulture)}",
                level,
                TeamId(team),
                skills,
                budget,
                "UTC",
                null,
                away,
                PersonIdentities.Of([new(IdentityPlatforms.Slack, $"U{p.ToString("D6", CultureInfo.InvariantCulture)}")], $"{id}@example.com")));
        }

        var teamList = new List<Team>(teams);
        for (var i = 0; i < teams; i++)
        {
            var service = i % 5 == 0;
            var owned = new List<string>();
            if (service)
            {
                var count = 1 + random.Next(3);
                while (owned.Count < count)
                {
                    var topic = TopicId(random.Next(topics));
                    if (!owned.Contains(topic))
                    {
                        owned.Add(topic);
                    }
                }
            }

            teamList.Add(new Team(TeamId(i), $"Team {i.ToString(CultureInfo.InvariantCulture)}", service, owned, service ? $"#help-team-{i.ToString(CultureInfo.InvariantCulture)}" : null, teamMembers[i]));
        }

        return new OrgDirectory(topicList, personList, teamList);
    }

    /// <summary>Id of the n-th topic.</summary>
    public static string TopicId(int n) => "t-" + n.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>Id of the n-th person.</summary>
    public static string PersonId(int n) => "p-" + n.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Id of the n-th team.</summary>
    public static string TeamId(int n) => "team-" + n.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>A made-up keyword, unique per n (three syllables plus a suffix).</summary>
    public static string Word(int n)
    {
        var a = Syllables[n % Syllables.Length];
        var b = Syllables[(n / Syllables.Length) % Syllables.Length];
        var c = Syllables[(n / (Syllables.Length * Syllables.Length)) % Syllables.Length];
        return a + b + c + "x";
    }
}
