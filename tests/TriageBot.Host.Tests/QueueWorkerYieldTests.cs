using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Host.Configuration;
using TriageBot.Host.Observability;
using TriageBot.Host.Storage;
using TriageBot.Host.Workers;

namespace TriageBot.Host.Tests;

public sealed class QueueWorkerYieldTests
{
    [Theory]
    [InlineData(10, 1)] // a burst of platform requests: one item at a time, the acks keep the cores
    [InlineData(4, 8)]  // under the threshold: every free slot
    [InlineData(0, 8)]
    public async Task ExecuteAsync_PlatformRequestsInLastSecond_ClaimsExpectedAtMost(int requests, int expected)
    {
        var time = new FakeTimeProvider();
        var firstClaim = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = new Mock<IWorkQueue>();
        queue.Setup(q => q.ReleaseAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(0);
        queue.Setup(q => q.ClaimAsync(It.IsAny<string>(), It.IsAny<int>(), It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback((string _, int max, DateTimeOffset _, DateTimeOffset _, CancellationToken _) => firstClaim.TrySetResult(max))
            .ReturnsAsync([]);
        var runner = new WorkQueueRunner(queue.Object, [], time, new WorkQueueRunnerOptions { MaxConcurrency = 8, BatchSize = 8 });
        var pressure = new IngressPressure(time);
        for (var i = 0; i < requests; i++)
        {
            pressure.Record();
        }

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var worker = new QueueWorkerService(runner, new WorkSignal(), new WorkerIdentity("yield-test", Path.GetTempPath()),
            new TriageBotMetrics(services.GetRequiredService<IMeterFactory>()), time, pressure,
            Options.Create(new WorkerOptions { YieldAbovePerSecond = 5 }), NullLogger<QueueWorkerService>.Instance);

        await worker.StartAsync(CancellationToken.None);
        var claimedAtMost = await firstClaim.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(expected, claimedAtMost);
    }
}
