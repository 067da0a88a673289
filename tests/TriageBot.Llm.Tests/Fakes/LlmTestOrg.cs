using TriageBot.Engine.Org;

namespace TriageBot.Llm.Tests.Fakes;

/// <summary>A small org for the reader's tests: three topics, a Lead and a few people.</summary>
public static class LlmTestOrg
{
    public const string Tenant = "slack:T1";

    public static readonly IReadOnlyList<Topic> Topics =
    [
        new("causal-inference", "Causal inference", ["causal", "uplift"]) { Description = "Did X cause Y: uplift, diff-in-diff, matching." },
        new("pipelines", "Data pipelines", ["airflow", "dag"]),
        new("bi", "BI dashboards", ["dashboard", "superset"]) { Description = "Dashboards and charts in Superset." },
    ];

    public static OrgDirectory Build()
    {
        var people = new List<Person>
        {
            Person("ana", "Ana Lima", Level.Lead, "growth", new() { ["causal-inference"] = 5, ["bi"] = 2 }, 6),
            Person("carla", "Carla Souza", Level.Senior, "growth", new() { ["causal-inference"] = 4 }),
            Person("bruno", "Bruno Costa", Level.Junior, "growth", new() { ["bi"] = 2 }),
            Person("dev", "Dev Rao", Level.Mid, "data-eng", new() { ["pipelines"] = 5 }),
        };
        var teams = new List<Team>
        {
            new("growth", "Growth", false, ["causal-inference", "bi"], null, ["ana", "carla", "bruno"]),
            new("data-eng", "Data Engineering", true, ["pipelines"], "#help-data-eng", ["dev"]),
        };
        return new OrgDirectory([.. Topics], people, teams);
    }

    private static Person Person(string id, string name, Level level, string team, Dictionary<string, int> skills, double? budget = null) =>
        new(id, name, level, team, skills, budget, "UTC", null, [],
            PersonIdentities.Of([new(IdentityPlatforms.Slack, "U" + id.ToUpperInvariant())], id + "@example.com"));
}
