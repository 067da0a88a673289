using System.Text.RegularExpressions;

namespace TriageBot.Cli.Tests;

public sealed class DbCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task DbMigrate_FreshThenAgain_AppliesOnceThenNothing()
    {
        var first = await _cli.RunAsync("db", "migrate");
        var second = await _cli.RunAsync("db", "migrate");

        Assert.Equal(0, first.Code);
        var applied = int.Parse(Regex.Match(first.Out, @"^Applied (\d+) migrations? \(sqlite\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(applied >= 1);
        Assert.True(File.Exists(_cli.DatabaseFile));
        Assert.Equal(0, second.Code);
        Assert.StartsWith("Applied 0 migrations (sqlite)", second.Out, StringComparison.Ordinal);
        Assert.Contains($"{applied} applied in total", second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbMigrate_UnknownProvider_OneLineNamingTheKey()
    {
        _cli.Environment["TriageBot__Storage__Provider"] = "oracle";

        var run = await _cli.RunAsync("db", "migrate");

        Assert.Equal(2, run.Code);
        var line = Assert.Single(run.ErrLines);
        Assert.Contains("TriageBot:Storage:Provider", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbMigrate_PostgresWithoutConnectionString_OneLineNamingTheKey()
    {
        _cli.Environment["TriageBot__Storage__Provider"] = "postgres";
        _cli.Environment["TriageBot__Storage__ConnectionString"] = "";

        var run = await _cli.RunAsync("db", "migrate");

        Assert.Equal(2, run.Code);
        Assert.Contains("TriageBot:Storage:ConnectionString", Assert.Single(run.ErrLines), StringComparison.Ordinal);
    }
}
