using TriageBot.Engine.Ports;
using TriageBot.Engine.UseCases;

namespace TriageBot.Cli.Tests;

public sealed class CoverageCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private static IncomingRequest Request(string text) => new("slack:T9", Platform.Slack, "C1", null, null, "bea", "Beatriz Souza", "ana", text);

    [Fact]
    public async Task OrgCoverage_CorrectedRequests_ClarifyRateNeverMatchedAndPastableSuggestions()
    {
        var (storage, useCases) = await _cli.OpenAsync();
        await using (storage)
        {
            var loyalty = await useCases.TriageAsync(Request("did the loyalty emails make people reorder, or would they have reordered anyway?"));
            var coupons = await useCases.TriageAsync(Request("did the coupon emails make people reorder or was it seasonality? the loyalty team asks"));
            await useCases.TriageAsync(Request("sql window function over partitions, please help"));
            await useCases.CorrectTopicAsync("slack:T9", loyalty.Request.Id, "ana", "causal-inference");
            await useCases.CorrectTopicAsync("slack:T9", coupons.Request.Id, "ana", "causal-inference");
        }

        var run = await _cli.RunAsync("org", "coverage");

        Assert.Equal(0, run.Code);
        Assert.Contains("Coverage of tenant slack:T9, last 90 days: 3 requests", run.Out, StringComparison.Ordinal);
        Assert.Contains("Never matched:", run.Out, StringComparison.Ordinal);
        Assert.Contains("forecasting", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"causal-inference\s+2 requests\s+2 corrected to it", run.Out);
        Assert.Contains("  - id: causal-inference   # 2 corrections", run.Out, StringComparison.Ordinal);
        Assert.Matches("keywords: \\[.*\"reorder\".*\\]", run.Out);
        Assert.Contains("      - \"did the loyalty emails make people reorder, or would they have reordered anyway?\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrgCoverage_EmptyDatabase_SaysThereIsNothingToSuggest()
    {
        var run = await _cli.RunAsync("org", "coverage", "--tenant", "local");

        Assert.Equal(0, run.Code);
        Assert.Contains("0 requests", run.Out, StringComparison.Ordinal);
        Assert.Contains("No corrections yet", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrgCoverage_TenantWithoutRequests_SaysWhereTheRequestsAre()
    {
        var (storage, useCases) = await _cli.OpenAsync();
        await using (storage)
        {
            await useCases.TriageAsync(Request("sql window function over partitions, please help"));
        }

        var run = await _cli.RunAsync("org", "coverage", "--tenant", "slack:T8");

        Assert.Equal(0, run.Code);
        Assert.Contains("No requests are stored in tenant slack:T8; requests are stored in: slack:T9.", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("99999999999")]
    public async Task OrgCoverage_BadDays_Exit2WithWhatToSend(string days)
    {
        var run = await _cli.RunAsync("org", "coverage", "--days", days);

        Assert.Equal(2, run.Code);
        Assert.Contains($"--days must be a whole number of days from 1 to 3660 (e.g. 28), not '{days}'", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", run.Err, StringComparison.Ordinal);
    }
}
