using System.Text.RegularExpressions;

namespace TriageBot.Cli.Tests;

public sealed class OrgCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task OrgValidate_SampleOrg_OkWithCounts()
    {
        var run = await _cli.RunAsync("org", "validate", CliHarness.SampleOrg);

        Assert.Equal(0, run.Code);
        Assert.Matches(new Regex(@"^OK: \d+ topics, \d+ people, \d+ teams\r?\n"), run.Out);
        Assert.Contains("causal-inference: built-in vocabulary causal-inference (linked by name and keywords)", run.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Err);
    }

    [Fact]
    public async Task OrgValidate_EmptyOrg_OkWithAWarningThatItCannotTriage()
    {
        var path = _cli.PathOf("empty-org.yaml");
        await File.WriteAllTextAsync(path, "topics: []\npeople: []\n");

        var run = await _cli.RunAsync("org", "validate", path);

        Assert.Equal(0, run.Code);
        Assert.Contains("OK: 0 topics, 0 people, 0 teams", run.Out, StringComparison.Ordinal);
        Assert.Contains("warning: the org has no topics", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrgValidate_UnknownVocabularyFamily_ProblemWithLineAndExit1()
    {
        var path = Path.Combine(Path.GetTempPath(), $"org-vocab-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, "topics:\n  - id: ab\n    name: A/B tests\n    vocabulary: [experimentation, no-such-family]\npeople:\n  - {id: ana, name: Ana, level: lead}\n");
        try
        {
            var run = await _cli.RunAsync("org", "validate", path);

            Assert.Equal(1, run.Code);
            Assert.Contains(":4:", run.Out, StringComparison.Ordinal);
            Assert.Contains("'no-such-family'", run.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task OrgValidate_BrokenFile_EveryProblemWithLineNumberAndExit1()
    {
        var path = _cli.PathOf("broken.yaml");
        await File.WriteAllTextAsync(path, """
            topics:
              - id: sql
                name: SQL
                keywords: [sql]
                colour: blue
            people:
              - id: ana
                name: Ana
                level: wizard
                skills: {sql: 9, rust: 3}
              - id: ana
                name: Ana again
                level: lead
            teams:
              - id: t1
                name: T1
                topics: [nope]
                members: [ghost]
            """);

        var run = await _cli.RunAsync("org", "validate", path);

        Assert.Equal(1, run.Code);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Each problem: "<file>:<line>:<column>: message", on the line where it is.
        Assert.Contains(lines, l => l.StartsWith($"{path}:5:", StringComparison.Ordinal) && l.Contains("colour", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:9:", StringComparison.Ordinal) && l.Contains("wizard", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:10:", StringComparison.Ordinal) && l.Contains("rust", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:11:", StringComparison.Ordinal) && l.Contains("duplicate", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(lines, l => l.StartsWith($"{path}:17:", StringComparison.Ordinal) && l.Contains("nope", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{path}:18:", StringComparison.Ordinal) && l.Contains("ghost", StringComparison.Ordinal));
        Assert.Matches(new Regex(@"^\d+ problems in "), lines[^1]);
    }

    [Fact]
    public async Task OrgValidate_NotYaml_ReportsAndExits1()
    {
        var path = _cli.PathOf("garbage.yaml");
        await File.WriteAllTextAsync(path, "topics: [unclosed\n  - id: x\n");

        var run = await _cli.RunAsync("org", "validate", path);

        Assert.Equal(1, run.Code);
        Assert.Matches(new Regex($@"^{Regex.Escape(path)}:\d+"), run.Out);
    }
}
