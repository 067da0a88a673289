using TriageBot.Host.Configuration;

namespace TriageBot.Host.Tests;

public sealed class WorkerOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds() =>
        Assert.True(new WorkerOptionsValidator().Validate(null, new WorkerOptions()).Succeeded);

    [Fact]
    public void Validate_NegativeYieldThreshold_SaysWhatToSet()
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { YieldAbovePerSecond = -1 });

        Assert.True(result.Failed);
        Assert.Contains("TriageBot:Workers:YieldAbovePerSecond must be 0 (never yield) or a positive number", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroBusyClaimInterval_SaysWhatToSet()
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions { BusyClaimInterval = TimeSpan.Zero });

        Assert.True(result.Failed);
        Assert.Contains("TriageBot:Workers:BusyClaimInterval must be a positive duration", result.FailureMessage, StringComparison.Ordinal);
    }
}
