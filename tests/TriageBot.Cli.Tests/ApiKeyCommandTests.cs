using System.Text.RegularExpressions;

namespace TriageBot.Cli.Tests;

public sealed partial class ApiKeyCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task ApiKeyCreate_ValidTenant_PrintsKeyOnceAndListShowsNoSecret()
    {
        var created = await _cli.RunAsync("apikey", "create", "--tenant", "slack:T123", "--name", "jira automation");
        var list = await _cli.RunAsync("apikey", "list");

        Assert.Equal(0, created.Code);
        var key = KeyPattern().Match(created.Out).Value;
        Assert.NotEmpty(key);
        var keyId = key[4..16];
        Assert.Equal(0, list.Code);
        Assert.Contains(keyId, list.Out, StringComparison.Ordinal);
        Assert.Contains("slack:T123", list.Out, StringComparison.Ordinal);
        Assert.Contains("jira automation", list.Out, StringComparison.Ordinal);
        Assert.Contains("active", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key[17..], list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyRevoke_KnownId_ListShowsRevoked()
    {
        var created = await _cli.RunAsync("apikey", "create", "--tenant", "local", "--name", "script");
        var keyId = KeyPattern().Match(created.Out).Value[4..16];

        var revoked = await _cli.RunAsync("apikey", "revoke", keyId);
        var list = await _cli.RunAsync("apikey", "list", "--tenant", "local");

        Assert.Equal(0, revoked.Code);
        Assert.Contains($"Revoked API key {keyId}", revoked.Out, StringComparison.Ordinal);
        Assert.Contains("revoked 2026-11-25", list.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("revoke", "nosuchkey")]
    [InlineData("create", "--tenant", "acme", "--name", "x")]
    [InlineData("create", "--tenant", "local", "--name", " ")]
    public async Task ApiKey_BadInput_OneLineExitCode2(params string[] args)
    {
        var run = await _cli.RunAsync(["apikey", .. args]);

        Assert.Equal(2, run.Code);
        Assert.Single(run.ErrLines);
        Assert.DoesNotContain("tbk_", run.Out, StringComparison.Ordinal);
    }

    [GeneratedRegex("tbk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
