using TriageBot.Engine.Org;

namespace TriageBot.Engine.Tests.Org;

/// <summary>How the org file says who people are on the chat platforms: the old keys keep working, the identities map adds others.</summary>
public class OrgIdentityParsingTests
{
    private static OrgParseResult Parse(string yaml) => OrgParserTests.Parse(yaml);

    private static OrgProblem Problem(OrgParseResult result, string contains) => OrgParserTests.Single(result, contains);

    [Fact]
    public void Parse_OldKeys_BecomeTheIdentitySet()
    {
        const string yaml = """
            topics: []
            people:
              - id: ana
                name: Ana
                level: lead
                slack_id: U01ANA
                teams_id: 00000000-0000-0000-0000-000000000001
                email: ana@example.com
              - {id: bea, name: Bea, level: senior, email: bea@example.com}
              - {id: caio, name: Caio, level: mid}
            """;

        var org = Parse(yaml).Directory!;

        var ana = org.FindPerson("ana")!;
        Assert.Equal("U01ANA", ana.Identities.IdOn(IdentityPlatforms.Slack));
        Assert.Equal("00000000-0000-0000-0000-000000000001", ana.Identities.IdOn(IdentityPlatforms.Teams));
        Assert.Equal("ana@example.com", ana.Identities.Email);
        Assert.Equal(["slack", "teams"], ana.Identities.ByPlatform.Keys);
        Assert.Empty(org.FindPerson("bea")!.Identities.ByPlatform);
        Assert.Equal(PersonIdentities.None, org.FindPerson("caio")!.Identities);
        Assert.Same(ana, org.FindByIdentity(IdentityPlatforms.Teams, "00000000-0000-0000-0000-000000000001"));
    }

    [Fact]
    public void Parse_SampleOrg_EveryOldKeyIsInTheIdentitySet()
    {
        var org = OrgParser.LoadFile(SampleOrg.Path).Directory!;

        Assert.Contains(org.People, p => p.Identities.IdOn(IdentityPlatforms.Slack) is not null);
        Assert.Contains(org.People, p => p.Identities.IdOn(IdentityPlatforms.Teams) is not null);
        Assert.All(org.People.Where(p => p.Identities.Email is not null), p => Assert.Same(p, org.FindByEmail(p.Identities.Email!)));
    }

    [Fact]
    public void Parse_IdentitiesMap_AddsPlatformsAndCountsAsSlackOrTeamsToo()
    {
        const string yaml = """
            topics: []
            people:
              - id: ana
                name: Ana
                level: lead
                identities: {mattermost: 8xk3pq, teams: 00000000-0000-0000-0000-00000000000a}
                slack_id: U01ANA
            """;

        var org = Parse(yaml).Directory!;

        var ana = org.FindPerson("ana")!;
        Assert.Equal("8xk3pq", ana.Identities.IdOn("mattermost"));
        Assert.Equal("U01ANA", ana.Identities.IdOn(IdentityPlatforms.Slack));
        Assert.Same(ana, org.FindByIdentity(IdentityPlatforms.Teams, "00000000-0000-0000-0000-00000000000A"));
    }

    [Fact]
    public void Parse_SamePlatformInOldKeyAndIdentities_IsReportedOnItsLine()
    {
        const string yaml = """
            topics: []
            people:
              - id: ana
                name: Ana
                level: lead
                slack_id: U01ANA
                identities:
                  slack: U01OTHER
            """;

        var problem = Problem(Parse(yaml), "the slack id is given twice ('slack_id' and 'identities: slack')");

        Assert.Equal(8, problem.Line);
    }

    [Theory]
    [InlineData("identities: {Mattermost: x}", "identity platform 'Mattermost' is not valid")]
    [InlineData("identities: {email: a@x.io}", "put the email in 'email'")]
    [InlineData("identities: {discord: [1, 2]}", "identities: discord must be a single id")]
    [InlineData("identities: {discord: }", "identities: discord must be a single id")]
    [InlineData("identities: [discord]", "identities must be a mapping of platform to id")]
    public void Parse_BadIdentities_AreReportedWithTheirLine(string line, string expected)
    {
        var yaml = $"""
            topics: []
            people:
              - id: ana
                name: Ana
                level: lead
                {line}
            """;

        Assert.Equal(6, Problem(Parse(yaml), expected).Line);
    }

    [Fact]
    public void Parse_IdUsedTwiceAcrossOldKeyAndIdentities_NamesTheFirstOwner()
    {
        const string yaml = """
            topics: []
            people:
              - {id: ana, name: Ana, level: lead, teams_id: AAD-1, identities: {discord: "42"}}
              - {id: bob, name: Bob, level: mid, identities: {teams: aad-1}}
              - {id: cy, name: Cy, level: mid, identities: {discord: "42"}}
            """;

        var result = Parse(yaml);

        Assert.Equal(4, Problem(result, "person 'bob': identities: teams 'aad-1' is already used by person 'ana'").Line);
        Assert.Equal(5, Problem(result, "person 'cy': identities: discord '42' is already used by person 'ana'").Line);
    }

    [Fact]
    public void Parse_SlackIdsDifferingOnlyInCase_AreDifferentPeople()
    {
        const string yaml = """
            topics: []
            people:
              - {id: ana, name: Ana, level: lead, slack_id: U01AB}
              - {id: bob, name: Bob, level: mid, slack_id: u01ab}
            """;

        var org = Parse(yaml).Directory!;

        Assert.Equal("ana", org.FindByIdentity(IdentityPlatforms.Slack, "U01AB")!.Id);
        Assert.Equal("bob", org.FindByIdentity(IdentityPlatforms.Slack, "u01ab")!.Id);
    }
}
