using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Engine.Ports;

namespace TriageBot.Engine.Tests.Ports;

public class EventOnceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LeaseUntil = Now.AddSeconds(30);

    private readonly Mock<IEventDeduplicator> _dedup = new();

    private EventOnce Once(Action<string, Exception>? settleFailed = null) =>
        new(_dedup.Object, new FakeTimeProvider(Now), TimeSpan.FromSeconds(30), settleFailed);

    private void ClaimReturns(EventClaim claim) =>
        _dedup.Setup(d => d.TryClaimAsync("t1", "ev", Now, LeaseUntil, It.IsAny<CancellationToken>())).ReturnsAsync(claim);

    [Fact]
    public async Task RunAsync_Claimed_RunsTheWorkThenCompletesItsOwnClaim()
    {
        ClaimReturns(EventClaim.Claimed);
        var ran = false;

        var outcome = await Once().RunAsync("t1", "ev", _ => { ran = true; return Task.CompletedTask; }, CancellationToken.None);

        Assert.Equal(EventClaim.Claimed, outcome);
        Assert.True(ran);
        _dedup.Verify(d => d.CompleteAsync("t1", "ev", LeaseUntil, Now, It.IsAny<CancellationToken>()), Times.Once);
        _dedup.Verify(d => d.ReleaseAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(EventClaim.Done)]
    [InlineData(EventClaim.InProgress)]
    public async Task RunAsync_NotClaimed_WorkNotRunAndOutcomeSaysWhy(EventClaim claim)
    {
        ClaimReturns(claim);

        var outcome = await Once().RunAsync("t1", "ev", _ => throw new InvalidOperationException("must not run"), CancellationToken.None);

        Assert.Equal(claim, outcome);
        _dedup.Verify(d => d.CompleteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_WorkThrows_ReleasesForTheRedeliveryAndRethrows()
    {
        ClaimReturns(EventClaim.Claimed);

        await Assert.ThrowsAsync<TimeoutException>(() => Once().RunAsync("t1", "ev", _ => throw new TimeoutException(), CancellationToken.None));

        _dedup.Verify(d => d.ReleaseAsync("t1", "ev", LeaseUntil, It.IsAny<CancellationToken>()), Times.Once);
        _dedup.Verify(d => d.CompleteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_WorkThrowsAfterCommittingEffects_CompletesSoTheyAreNotRepeated()
    {
        ClaimReturns(EventClaim.Claimed);

        await Assert.ThrowsAsync<TimeoutException>(() => Once().RunAsync("t1", "ev", handle =>
        {
            handle.EffectsCommitted();
            throw new TimeoutException();
        }, CancellationToken.None));

        _dedup.Verify(d => d.CompleteAsync("t1", "ev", LeaseUntil, Now, It.IsAny<CancellationToken>()), Times.Once);
        _dedup.Verify(d => d.ReleaseAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_CompletingFails_ReportedNotThrown()
    {
        ClaimReturns(EventClaim.Claimed);
        _dedup.Setup(d => d.CompleteAsync("t1", "ev", LeaseUntil, Now, It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("disk"));
        var reported = new List<string>();

        var outcome = await Once((key, ex) => reported.Add(key + ":" + ex.Message)).RunAsync("t1", "ev", _ => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(EventClaim.Claimed, outcome);
        Assert.Equal(["ev:disk"], reported);
    }
}
