using TriageBot.Engine.Org;

namespace TriageBot.Engine.Tests.Fakes;

/// <summary>A small hand-built org for use-case and digest tests (independent of the YAML parser).</summary>
public static class TestOrg
{
    public const string Tenant = "slack:T1";

    public static Person Person(
        string id,
        string name,
        Level level,
        string? team,
        Dictionary<string, int> skills,
        double? budget = null,
        string timeZone = "UTC",
        DigestSchedule? digest = null,
        IReadOnlyList<AwayPeriod>? away = null) =>
        new(id, name, level, team, skills, budget, timeZone, digest, away ?? [],
            PersonIdentities.Of([new(IdentityPlatforms.Slack, $"U{id.ToUpperInvariant()}")], $"{id}@example.com"));

    public static OrgDirectory Build()
    {
        var topics = new List<Topic>
        {
            new("causal-inference", "Causal inference", ["causal", "propensity score", "difference in differences", "uplift"]),
            new("sql", "SQL", ["sql", "query", "join", "window function"]),
            new("model-deployment", "Model deployment", ["deploy", "deployment", "serving", "endpoint"]),
            new("experimentation", "Experimentation", ["a/b test", "experiment", "sample size"]),
        };
        var people = new List<Person>
        {
            Person("ana", "Ana Lima", Level.Lead, "growth-ds", new() { ["causal-inference"] = 5, ["experimentation"] = 5, ["sql"] = 3 }, 6, "America/Sao_Paulo", new DigestSchedule(DayOfWeek.Friday, new TimeOnly(16, 0))),
            Person("leo", "Leo Braun", Level.Staff, "analytics", new() { ["sql"] = 5 }, 4, "Europe/Berlin"),
            Person("bruno", "Bruno Costa", Level.Junior, "growth-ds", new() { ["sql"] = 2 }),
            Person("carla", "Carla Souza", Level.Senior, "growth-ds", new() { ["causal-inference"] = 3, ["sql"] = 5, ["experimentation"] = 3 }),
            Person("raj", "Raj Patel", Level.Mid, "platform-ml", new() { ["model-deployment"] = 4 }),
            Person("mia", "Mia Wong", Level.Manager, "growth-ds", new() { ["experimentation"] = 2 }),
        };
        var teams = new List<Team>
        {
            new("growth-ds", "Growth Data Science", false, ["causal-inference", "experimentation"], null, ["ana", "bruno", "carla", "mia"]),
            new("analytics", "Analytics", false, ["sql"], null, ["leo"]),
            new("platform-ml", "ML Platform", true, ["model-deployment"], "#help-ml-platform", ["raj"]),
        };
        return new OrgDirectory(topics, people, teams);
    }
}
