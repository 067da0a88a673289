using Microsoft.Extensions.Configuration;
using TriageBot.Host.Configuration;

namespace TriageBot.Host.Tests;

public sealed class ConfigurationSourceTests : IDisposable
{
    // A prefix of our own, so these variables cannot meet another test's.
    private readonly string _prefix = "TBTEST" + Guid.NewGuid().ToString("N") + "_";

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_prefix + "TriageBot__Workers__Enabled", null);
        Environment.SetEnvironmentVariable(_prefix + "TriageBot__Slack__BotToken", null);
    }

    [Fact]
    public void TreatEmptyEnvironmentVariablesAsUnset_EmptyValue_KeepsTheSettingsFileValue()
    {
        Environment.SetEnvironmentVariable(_prefix + "TriageBot__Workers__Enabled", "");
        Environment.SetEnvironmentVariable(_prefix + "TriageBot__Slack__BotToken", "xoxb-from-env");
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["TriageBot:Workers:Enabled"] = "true" });
        configuration.AddEnvironmentVariables(_prefix);

        configuration.TreatEmptyEnvironmentVariablesAsUnset();

        Assert.Equal("true", configuration["TriageBot:Workers:Enabled"]);
        Assert.Equal("xoxb-from-env", configuration["TriageBot:Slack:BotToken"]);
        Assert.IsType<NonEmptyEnvironmentVariables.Source>(Assert.Single(configuration.Sources, s => s is not Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource));
    }
}
