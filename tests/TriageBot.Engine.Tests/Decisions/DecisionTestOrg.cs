using TriageBot.Engine.Decisions;
using TriageBot.Engine.Org;

namespace TriageBot.Engine.Tests.Decisions;

/// <summary>A small org shaped to make each answer and rule easy to trigger.</summary>
public static class DecisionTestOrg
{
    public const string Yaml = """
        topics:
          - {id: stats, name: Statistics, keywords: [regression, anova]}
          - {id: infra, name: Infrastructure, keywords: [kubernetes, cluster]}
          - {id: cooking, name: Cooking, keywords: [recipe]}
          - {id: art, name: Art, keywords: [painting]}
          - {id: music, name: Music, keywords: [melody]}
        people:
          - {id: lead, name: Lee Lead, level: lead, team: core, skills: {stats: 5, infra: 2, cooking: 4}, help_budget_hours: 5}
          - {id: peer, name: Pat Peer, level: senior, team: core, skills: {stats: 3, infra: 4}}
          - {id: close, name: Cleo Close, level: senior, team: core, skills: {cooking: 3}}
          - {id: ops1, name: Olga Ops, level: senior, team: ops, skills: {infra: 5}}
          - {id: ops2, name: Otto Ops, level: mid, team: ops, skills: {infra: 5}}
          - {id: opslead, name: Opal Lead, level: lead, team: ops, skills: {infra: 5}}
          - {id: req, name: Remy Req, level: junior, team: core, skills: {stats: 1}}
          - id: away1
            name: Avery Away
            level: senior
            team: core
            skills: {stats: 4}
            away: [{from: 2026-12-01, to: 2026-12-10}]
          - {id: nobudget, name: Nia Nobudget, level: lead, team: core, skills: {music: 5}}
        teams:
          - {id: core, name: Core, service: false, topics: [stats], members: [lead, peer, close, req, away1, nobudget]}
          - {id: ops, name: Ops, service: true, topics: [infra], intake: "#ops", members: [ops1, ops2, opslead]}
          - {id: aaa-ops, name: Backup Ops, service: true, topics: [infra], members: [ops2]}
        """;

    /// <summary>A day when away1 is at work.</summary>
    public static readonly DateTimeOffset Present = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A day when away1 is away.</summary>
    public static readonly DateTimeOffset AwayDay = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<OrgDirectory> Loaded = new(() =>
    {
        var result = OrgParser.Parse(Yaml, "decision-test-org");
        return result.Directory ?? throw new InvalidOperationException(string.Join("; ", result.Problems));
    });

    public static OrgDirectory TestDirectory => Loaded.Value;

    public static TriageEngine NewEngine(DecisionPolicy? policy = null) => new(TestDirectory, policy);

    public static TriageInput Input(string text, string requester = "req", DateTimeOffset? at = null, string lead = "lead") =>
        new(text, lead, requester, at ?? Present);
}
