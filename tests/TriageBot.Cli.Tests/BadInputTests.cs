namespace TriageBot.Cli.Tests;

public sealed class BadInputTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    public static TheoryData<string, string[]> Cases => new()
    {
        { "unknown lead", ["triage", "--lead", "nobody", "--from", "bea", "sql join"] },
        { "missing org file", ["triage", "--org", "no/such/org.yaml", "--lead", "ana", "--from", "bea", "sql join"] },
        { "empty text", ["triage", "--lead", "ana", "--from", "bea", "   "] },
        { "no text", ["triage", "--lead", "ana", "--from", "bea"] },
        { "bad --at", ["triage", "--lead", "ana", "--from", "bea", "--at", "next tuesday", "sql join"] },
        { "bad --hours-spent", ["triage", "--lead", "ana", "--from", "bea", "--hours-spent", "lots", "sql join"] },
        { "negative --hours-spent", ["triage", "--lead", "ana", "--from", "bea", "--hours-spent", "-3", "sql join"] },
        { "missing --lead", ["triage", "--from", "bea", "sql join"] },
        { "unknown option", ["triage", "--lead", "ana", "--from", "bea", "--colour", "red", "sql join"] },
        { "unknown command", ["frobnicate"] },
        { "no command", [] },
        { "org validate missing file", ["org", "validate", "no/such/org.yaml"] },
        { "digest bad week", ["digest", "--lead", "ana", "--week", "2026-48"] },
        { "digest week 99", ["digest", "--lead", "ana", "--week", "2026-W99"] },
        { "digest unknown lead", ["digest", "--lead", "nobody"] },
        { "triage lead who is not a Lead", ["triage", "--lead", "bea", "--from", "ana", "sql join"] },
        { "digest lead who is not a Lead", ["digest", "--lead", "bea"] },
        { "triage --record with --hours-spent", ["triage", "--lead", "ana", "--from", "bea", "--record", "--hours-spent", "2", "sql join"] },
        { "digest png into missing folder", ["digest", "--lead", "ana", "--png", "no/such/folder/chart.png"] },
        { "db unknown subcommand", ["db", "explode"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_OneLineOnStderrAndExit2(string scenario, string[] args)
    {
        var run = await _cli.RunAsync(args);

        Assert.True(run.Code == 2, $"{scenario}: exit {run.Code}, stderr: {run.Err}");
        var line = Assert.Single(run.ErrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public async Task UnknownLead_MessageNamesTheLead()
    {
        var run = await _cli.RunAsync("triage", "--lead", "nobody", "--from", "bea", "sql join");

        Assert.Contains("nobody", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_PrintsUsageAndExits0()
    {
        var run = await _cli.RunAsync("triage", "--help");

        Assert.Equal(0, run.Code);
        Assert.Contains("--hours-spent", run.Out, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Err);
    }
}
