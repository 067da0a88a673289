using TriageBot.Engine.Org;

namespace TriageBot.Engine.Tests.Org;

public class OrgParserTests
{
    private const string Minimal = """
        topics:
          - id: sql
            name: SQL
            keywords: [query, join]
        people:
          - id: ana
            name: Ana Lima
            level: lead
            skills: {sql: 4}
        teams:
          - id: data
            name: Data
            members: [ana]
        """;

    internal static OrgParseResult Parse(string yaml) => OrgParser.Parse(yaml, "test.yaml");

    /// <summary>The one problem whose message contains <paramref name="contains"/>; fails when there is not exactly one, or the file is valid.</summary>
    internal static OrgProblem Single(OrgParseResult result, string contains)
    {
        Assert.Null(result.Directory);
        Assert.False(result.IsValid);
        var matching = result.Problems.Where(p => p.Message.Contains(contains, StringComparison.Ordinal)).ToList();
        Assert.True(matching.Count == 1, $"expected one problem containing '{contains}', got: {string.Join(" | ", result.Problems)}");
        return matching[0];
    }

    [Fact]
    public void Parse_SampleOrg_IsValidWithExpectedShape()
    {
        var result = OrgParser.LoadFile(SampleOrg.Path);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var org = result.Directory!;
        Assert.Equal(12, org.Topics.Count);
        Assert.InRange(org.People.Count, 14, 17);
        Assert.Equal(5, org.Teams.Count);
        var ana = org.FindPerson("ana")!;
        Assert.Equal(Level.Lead, ana.Level);
        Assert.Equal(5, ana.SkillOn("causal-inference"));
        Assert.Equal(5, ana.SkillOn("experimentation"));
        Assert.Equal("America/Sao_Paulo", ana.TimeZone);
        Assert.Equal(new DigestSchedule(DayOfWeek.Friday, new TimeOnly(16, 0)), ana.Digest);
        Assert.Equal(new AwayPeriod(new DateOnly(2026, 12, 20), new DateOnly(2027, 1, 3)), Assert.Single(ana.Away));
        Assert.Same(ana, org.FindByIdentity(IdentityPlatforms.Slack, "U01ANA"));
        Assert.Same(ana, org.FindByEmail("ANA@example.com"));
        Assert.True(org.Teams.Count(t => t.Service && t.Intake is not null) >= 2);
        Assert.Equal("platform-ml", Assert.Single(org.ServiceTeamsFor("model-deployment")).Id);
        Assert.Contains(org.People, p => p.Level == Level.Manager);
    }

    [Fact]
    public void Parse_Minimal_BuildsDirectory()
    {
        var result = Parse(Minimal);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var ana = result.Directory!.FindPerson("ana")!;
        Assert.Equal("UTC", ana.TimeZone);
        Assert.Null(ana.HelpBudgetHours);
        Assert.Null(ana.Digest);
        Assert.Equal(["query", "join"], result.Directory.FindTopic("sql")!.Keywords);
    }

    [Fact]
    public void Parse_FlowAndBlockStyles_GiveTheSameDirectory()
    {
        const string block = """
            topics:
              - id: sql
                name: SQL
                keywords:
                  - query
            people:
              - id: ana
                name: Ana
                level: senior
                team: data
                skills:
                  sql: 3
                help_budget_hours: 4.5
                digest:
                  day: monday
                  time: "09:30"
                away:
                  - from: 2026-01-01
                    to: 2026-01-02
            teams:
              - id: data
                name: Data
                service: true
                topics:
                  - sql
                intake: "#data"
                members:
                  - ana
            """;
        const string flow = """
            {topics: [{id: sql, name: SQL, keywords: [query]}],
             people: [{id: ana, name: Ana, level: senior, team: data, skills: {sql: 3}, help_budget_hours: 4.5,
                       digest: {day: monday, time: "09:30"}, away: [{from: 2026-01-01, to: 2026-01-02}]}],
             teams: [{id: data, name: Data, service: true, topics: [sql], intake: "#data", members: [ana]}]}
            """;

        var a = Parse(block);
        var b = Parse(flow);

        Assert.True(a.IsValid, string.Join("\n", a.Problems));
        Assert.True(b.IsValid, string.Join("\n", b.Problems));
        var pa = a.Directory!.FindPerson("ana")!;
        var pb = b.Directory!.FindPerson("ana")!;
        Assert.Equal(pa.Skills, pb.Skills);
        Assert.Equal(4.5, pb.HelpBudgetHours);
        Assert.Equal(pa.Digest, pb.Digest);
        Assert.Equal(pa.Away, pb.Away);
        Assert.Equal(a.Directory.FindTeam("data")!.Members, b.Directory.FindTeam("data")!.Members);
        Assert.True(b.Directory.FindTeam("data")!.Service);
    }

    [Fact]
    public void Parse_SyntaxError_ReportsLine()
    {
        // The scanner gives no position for this one; we report where parsing last got to.
        var problem = Single(Parse("topics: [\n  {id: sql\npeople: []\n"), "YAML syntax error");
        Assert.InRange(problem.Line, 1, 3);
    }

    [Fact]
    public void Parse_UnclosedFlowMapping_ReportsLine()
    {
        var problem = Single(Parse("topics:\n  - {id: sql, name: SQL\n"), "YAML syntax error");
        Assert.Equal(3, problem.Line);
    }

    [Theory]
    [InlineData("topics:\n  - id: sql\n\tname: SQL\n", 3, 1)]
    [InlineData("topics:\n\t- id: sql\n", 2, 1)]
    [InlineData("topics:\n  - id: sql\n    name: SQL\npeople:\n  - id: ana\n  \t name: Ana\n", 6, 3)]
    public void Parse_TabIndentation_ReportsTheTabsLineAndColumn(string yaml, int line, int column)
    {
        var problem = Single(Parse(yaml), "a tab indents this line");
        Assert.Equal(line, problem.Line);
        Assert.Equal(column, problem.Column);
    }

    [Fact]
    public void Parse_TabInABlockScalarBelowTheRealError_TheRealErrorIsReported()
    {
        const string yaml = "topics:\n  - id: sql\n    name: \"SQL\n    keywords: [a]\npeople: []\nnotes: |\n\tindented with a tab\n";

        var result = Parse(yaml);

        Assert.DoesNotContain(result.Problems, p => p.Message.Contains("a tab indents", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.Contains("YAML syntax error", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TwoTopicsWithOneName_IsAProblemOnTheSecond()
    {
        const string yaml = """
            topics:
              - {id: sql, name: SQL}
              - {id: sql-help, name: sql}
            people:
              - {id: ana, name: Ana, level: lead}
            """;

        var problem = Single(Parse(yaml), "the name 'sql' is already topic 'sql''s (line 2)");
        Assert.Equal(3, problem.Line);
    }

    [Fact]
    public void Parse_ProblemsOfAnItemWhoseIdWasRefused_NameTheIdAsWritten()
    {
        const string yaml = """
            topics:
              - {id: sql, name: SQL}
            people:
              - {id: ana, name: Ana, level: lead}
              - {id: ana, name: Ana 2, level: wizard}
            """;

        var result = Parse(yaml);

        Assert.Equal(5, Single(result, "person 'ana': level 'wizard'").Line);
        Assert.DoesNotContain(result.Problems, p => p.Message.Contains("person ''", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BadIndentation_ReportsSyntaxErrorLine()
    {
        var problem = Single(Parse("topics:\n  - id: sql\n    name: SQL\n  oops: x\n"), "YAML syntax error");
        Assert.Equal(4, problem.Line);
    }

    [Fact]
    public void Parse_UnknownKeysAtEveryLevel_AreAllReportedWithLines()
    {
        const string yaml = """
            topics:
              - id: sql
                name: SQL
                colour: blue
            people:
              - id: ana
                name: Ana
                level: lead
                digest: {day: friday, time: "16:00", tz: UTC}
                away: [{from: 2026-01-01, to: 2026-01-02, why: holiday}]
            teams:
              - id: data
                name: Data
                channel: "#x"
            extra: 1
            """;

        var result = Parse(yaml);

        Assert.Null(result.Directory);
        var unknown = result.Problems.Where(p => p.Message.Contains("unknown key", StringComparison.Ordinal)).ToList();
        Assert.Equal([4, 9, 10, 14, 15], unknown.Select(p => p.Line));
        Assert.Contains("'colour'", unknown[0].Message, StringComparison.Ordinal);
        Assert.Contains("topic 'sql'", unknown[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingRequiredFields_AreReported()
    {
        const string yaml = """
            topics:
              - id: sql
            people:
              - name: Nobody
                level: mid
              - id: bob
                name: Bob
            teams: []
            """;

        var result = Parse(yaml);

        Assert.Null(result.Directory);
        Assert.Equal(2, Single(result, "topic 'sql': missing required 'name'").Line);
        Assert.Equal(4, Single(result, "a person: missing required 'id'").Line);
        Assert.Equal(6, Single(result, "person 'bob': missing required 'level'").Line);
    }

    [Fact]
    public void Parse_DuplicateIdsAndKeys_AreReported()
    {
        const string yaml = """
            topics:
              - {id: sql, name: SQL}
              - {id: sql, name: SQL again}
            people:
              - {id: ana, name: Ana, level: lead, level: mid}
              - {id: ana, name: Ana 2, level: mid}
            """;

        var result = Parse(yaml);

        var topicDup = Single(result, "duplicate topic id 'sql'");
        Assert.Equal(3, topicDup.Line);
        Assert.Contains("line 2", topicDup.Message, StringComparison.Ordinal);
        Assert.Equal(5, Single(result, "key 'level' appears twice").Line);
        Assert.Equal(6, Single(result, "duplicate person id 'ana'").Line);
    }

    [Theory]
    [InlineData("Sql")]
    [InlineData("sql_basics")]
    [InlineData("-sql")]
    [InlineData("s ql")]
    public void Parse_BadIdFormat_IsReported(string id)
    {
        var problem = Single(Parse($"topics:\n  - id: \"{id}\"\n    name: X\n"), "is not valid");
        Assert.Equal(2, problem.Line);
    }

    [Fact]
    public void Parse_UnknownReferences_AreReportedWhereTheyAppear()
    {
        const string yaml = """
            topics:
              - {id: sql, name: SQL}
            people:
              - id: ana
                name: Ana
                level: lead
                team: ghosts
                skills: {sql: 3, cooking: 2}
            teams:
              - id: data
                name: Data
                topics: [sql, astrology]
                members: [ana, zed]
            """;

        var result = Parse(yaml);

        Assert.Equal(7, Single(result, "unknown team 'ghosts'").Line);
        Assert.Equal(8, Single(result, "unknown topic 'cooking'").Line);
        Assert.Equal(12, Single(result, "unknown topic 'astrology'").Line);
        var zed = Single(result, "unknown person 'zed'");
        Assert.Equal(13, zed.Line);
        Assert.Equal(20, zed.Column);
        Assert.Equal(4, result.Problems.Count);
    }

    [Fact]
    public void Parse_LevelSkillBudgetTimezone_OutOfRange_AreReported()
    {
        const string yaml = """
            topics:
              - {id: sql, name: SQL}
              - {id: nlp, name: NLP}
            people:
              - id: ana
                name: Ana
                level: boss
                skills: {sql: 6, nlp: 0}
                help_budget_hours: -2
                timezone: Mars/Olympus_Mons
              - id: bob
                name: Bob
                level: mid
                skills: {sql: two}
                help_budget_hours: lots
            """;

        var result = Parse(yaml);

        Assert.Equal(7, Single(result, "level 'boss'").Line);
        Assert.Equal(8, Single(result, "skill 'sql' is 6").Line);
        Assert.Equal(8, Single(result, "skill 'nlp' is 0").Line);
        Assert.Equal(9, Single(result, "must not be negative").Line);
        Assert.Equal(10, Single(result, "Mars/Olympus_Mons").Line);
        Assert.Equal(14, Single(result, "skill 'sql' must be a whole number").Line);
        Assert.Equal(15, Single(result, "'lots' is not a number").Line);
    }

    [Fact]
    public void Parse_BadDatesAndDigest_AreReported()
    {
        const string yaml = """
            topics: []
            people:
              - id: ana
                name: Ana
                level: lead
                digest: {day: funday, time: "25:00"}
                away:
                  - {from: 2026-02-30, to: 2026-03-01}
                  - {from: 2026-05-10, to: 2026-05-01}
                  - {from: 2026-06-01}
            """;

        var result = Parse(yaml);

        Assert.Equal(6, Single(result, "digest day 'funday'").Line);
        Assert.Equal(6, Single(result, "digest time '25:00'").Line);
        Assert.Equal(8, Single(result, "date '2026-02-30'").Line);
        Assert.Equal(9, Single(result, "starts (2026-05-10) after it ends (2026-05-01)").Line);
        Assert.Equal(10, Single(result, "missing required 'to'").Line);
    }

    [Fact]
    public void Parse_ManyProblems_AreAllReportedInFileOrder()
    {
        const string yaml = """
            topics:
              - {id: sql, name: SQL, weight: 3}
            people:
              - {id: ana, name: Ana, level: boss, skills: {nope: 2}}
              - {id: ana, name: Ana2, level: mid, timezone: Nowhere/Land}
            teams:
              - {id: data, name: Data, service: maybe, members: [ghost]}
            """;

        var result = Parse(yaml);

        Assert.True(result.Problems.Count >= 7, string.Join("\n", result.Problems));
        var lines = result.Problems.Select(p => p.Line).ToList();
        Assert.Equal(lines.Order().ToList(), lines);
        Assert.All(result.Problems, p => Assert.True(p.Line > 0));
        Assert.StartsWith("line ", result.Problems[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicatePlatformIds_AreReported()
    {
        const string yaml = """
            topics: []
            people:
              - {id: ana, name: Ana, level: lead, slack_id: U1, email: a@x.io}
              - {id: bob, name: Bob, level: mid, slack_id: U1, email: A@X.IO}
            """;

        var result = Parse(yaml);

        Assert.Equal(4, Single(result, "slack_id 'U1' is already used by person 'ana'").Line);
        Assert.Equal(4, Single(result, "email 'A@X.IO' is already used by person 'ana'").Line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("# only a comment\n")]
    [InlineData("just a string")]
    [InlineData("- a\n- b\n")]
    public void Parse_EmptyOrWrongShape_IsAProblemNotAnException(string yaml)
    {
        var result = Parse(yaml);

        Assert.Null(result.Directory);
        Assert.NotEmpty(result.Problems);
    }

    [Fact]
    public void Parse_WrongNodeTypes_AreReported()
    {
        const string yaml = """
            topics: {id: sql}
            people:
              - not-a-mapping
              - {id: ana, name: [A, B], level: lead, skills: [sql], away: 2026-01-01}
            teams:
              - {id: data, name: Data, members: ana}
            """;

        var result = Parse(yaml);

        Assert.Equal(1, Single(result, "'topics' must be a list").Line);
        Assert.Equal(3, Single(result, "must be a mapping such as").Line);
        Assert.Equal(4, Single(result, "'name' must be a single value").Line);
        Assert.Equal(4, Single(result, "skills must be a mapping").Line);
        Assert.Equal(4, Single(result, "away must be a list").Line);
        Assert.Equal(6, Single(result, "members must be a list").Line);
    }

    [Fact]
    public void Parse_AnchorsAndAliases_AreResolved()
    {
        const string yaml = """
            topics:
              - {id: sql, name: SQL}
            people:
              - {id: ana, name: Ana, level: lead, skills: &s {sql: 4}}
              - {id: bob, name: Bob, level: mid, skills: *s}
            """;

        var result = Parse(yaml);

        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        Assert.Equal(4, result.Directory!.FindPerson("bob")!.SkillOn("sql"));
    }

    [Fact]
    public void Parse_TwoDocuments_IsReported()
    {
        var result = Parse(Minimal + "\n---\ntopics: []\n");
        Assert.Contains(result.Problems, p => p.Message.Contains("only one YAML document", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadFile_MissingFile_IsAProblem()
    {
        var result = OrgParser.LoadFile(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "org.yaml"));

        Assert.Null(result.Directory);
        var problem = Assert.Single(result.Problems);
        Assert.Contains("not found", problem.Message, StringComparison.Ordinal);
        Assert.Equal(0, problem.Line);
    }

    [Fact]
    public void LoadFile_ExistingFile_Parses()
    {
        var path = Path.Combine(Path.GetTempPath(), "triagebot-org-" + Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, Minimal);
        try
        {
            Assert.True(OrgParser.LoadFile(path).IsValid);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_DeeplyNested_IsAProblemNotACrash()
    {
        var yaml = "topics: " + new string('[', 5000) + new string(']', 5000) + "\n";
        var result = Parse(yaml);
        Assert.Null(result.Directory);
        Assert.NotEmpty(result.Problems);
    }
}
