using TriageBot.Cli.Commands;

namespace TriageBot.Cli.Tests;

public class TenantChoiceTests
{
    [Theory]
    [InlineData("slack:T0E2E", "slack:T0E2E")]
    [InlineData(" Slack:T0E2E ", "slack:T0E2E")]
    [InlineData("LOCAL", "local")]
    [InlineData(null, null)]
    [InlineData("  ", null)]
    public void Given_TenantOption_IsTheStoredKey(string? option, string? expected) =>
        Assert.Equal(expected, TenantChoice.Given(option));

    [Theory]
    [InlineData("slack:")]
    [InlineData("slack T1")]
    [InlineData("#general")]
    public void Given_MalformedKey_IsAUsageErrorThatSaysWhy(string option)
    {
        var ex = Assert.Throws<CliUsageException>(() => TenantChoice.Given(option));

        Assert.StartsWith("--tenant: ", ex.Message, StringComparison.Ordinal);
    }
}
