using System.Text.Json;

namespace TriageBot.Cli.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly CliHarness _cli = new(withDatabaseConfig: false);

    public void Dispose() => _cli.Dispose();

    private static string Settings(string orgPath, string dataSource) => JsonSerializer.Serialize(new
    {
        TriageBot = new { Storage = new { Provider = "sqlite", ConnectionString = $"Data Source={dataSource}" }, Org = new { Path = orgPath } },
    });

    [Fact]
    public async Task AppSettingsInCurrentDirectory_GivesOrgAndRelativeDatabase()
    {
        _cli.Environment.Clear();
        await File.WriteAllTextAsync(_cli.PathOf("appsettings.json"), Settings(CliHarness.SampleOrg, "./data/from-settings.db"));

        var migrate = await _cli.RunAsync("db", "migrate");
        var triage = await _cli.RunAsync("triage", "--lead", "ana", "--from", "bea", "sql join question");

        Assert.Equal(0, migrate.Code);
        Assert.True(File.Exists(_cli.PathOf(Path.Combine("data", "from-settings.db"))), "relative Data Source resolves against the current directory");
        Assert.Equal(0, triage.Code);
        Assert.Contains("(store, week 2026-W48)", triage.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoConnectionString_DatabaseInTheConfiguredDataDirectory_AsTheHostDoes()
    {
        _cli.Environment.Clear();
        _cli.Environment["TriageBot__Org__Path"] = CliHarness.SampleOrg;
        _cli.Environment["TriageBot__DataDirectory"] = "state/fresh";

        var migrate = await _cli.RunAsync("db", "migrate");

        Assert.Equal(0, migrate.Code);
        Assert.True(File.Exists(_cli.PathOf(Path.Combine("state", "fresh", "triagebot.db"))), migrate.Out + migrate.Err);
        Assert.False(File.Exists(_cli.PathOf(Path.Combine("data", "triagebot.db"))));
    }

    [Fact]
    public async Task EmptyEnvironmentVariable_KeepsTheAppSettingsValue()
    {
        _cli.Environment.Clear();
        await File.WriteAllTextAsync(_cli.PathOf("appsettings.json"), Settings(CliHarness.SampleOrg, "./data/from-settings.db"));
        _cli.Environment["TriageBot__Storage__ConnectionString"] = "";
        _cli.Environment["TriageBot__Org__Path"] = "";

        var migrate = await _cli.RunAsync("db", "migrate");

        Assert.Equal(0, migrate.Code);
        Assert.True(File.Exists(_cli.PathOf(Path.Combine("data", "from-settings.db"))), migrate.Out + migrate.Err);
    }

    [Fact]
    public async Task EnvironmentVariable_OverridesAppSettings()
    {
        _cli.Environment.Clear();
        await File.WriteAllTextAsync(_cli.PathOf("appsettings.json"), Settings("missing/org.yaml", "./data/t.db"));
        _cli.Environment["TriageBot__Org__Path"] = CliHarness.SampleOrg;

        var run = await _cli.RunAsync("triage", "--lead", "ana", "--from", "bea", "sql join question");

        Assert.Equal(0, run.Code);
    }

    [Fact]
    public async Task ConfiguredOrgMissing_OneLineNamingTheKey()
    {
        _cli.Environment["TriageBot__Org__Path"] = "nowhere/org.yaml";

        var run = await _cli.RunAsync("triage", "--lead", "ana", "--from", "bea", "sql join question");

        Assert.Equal(2, run.Code);
        Assert.Contains("TriageBot:Org:Path", Assert.Single(run.ErrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfiguredOrg_PointsToOrgValidate()
    {
        var path = _cli.PathOf("bad.yaml");
        await File.WriteAllTextAsync(path, "topics:\n  - id: x\n    name: X\n    colour: red\n");
        _cli.Environment["TriageBot__Org__Path"] = path;

        var run = await _cli.RunAsync("triage", "--lead", "ana", "--from", "bea", "sql");

        Assert.Equal(2, run.Code);
        Assert.Contains("triagebot org validate", Assert.Single(run.ErrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadDigestDefaultDay_OneLineNamingTheKey()
    {
        _cli.Environment["TriageBot__Storage__ConnectionString"] = $"Data Source={_cli.DatabaseFile}";
        _cli.Environment["TriageBot__Digest__DefaultDay"] = "Caturday";

        var run = await _cli.RunAsync("digest", "--lead", "ana");

        Assert.Equal(2, run.Code);
        Assert.Contains("TriageBot:Digest:DefaultDay", Assert.Single(run.ErrLines), StringComparison.Ordinal);
    }
}
