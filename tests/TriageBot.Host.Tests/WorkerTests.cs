using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Host.Configuration;
using TriageBot.Host.Workers;

namespace TriageBot.Host.Tests;

public class WorkerTests
{
    [Fact]
    public async Task Enqueue_PollIntervalOneHour_WorkerWokenImmediatelyBySignal()
    {
        var handler = new RecordingHandler();
        await using var app = new TestApp(
            new Dictionary<string, string?> { ["TriageBot:Workers:QueuePollInterval"] = "01:00:00" },
            services: s => s.AddSingleton<IWorkHandler>(handler));
        app.CreateClient();
        var queue = app.Services.GetRequiredService<IWorkQueue>();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();

        // Let the worker reach its idle wait (it polls once at start), then enqueue.
        await Task.Delay(300);
        await queue.EnqueueAsync(new WorkItem(Guid.NewGuid(), "local", "test.record", "{\"n\":1}", 0, now, now));

        var handled = await handler.First.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("{\"n\":1}", handled.PayloadJson);
        var stats = await Http.EventuallyAsync(() => queue.GetStatsAsync(), s => s.Pending == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(0, stats.Pending);
    }

    [Fact]
    public async Task Shutdown_ItemInFlight_FinishesBeforeStopping()
    {
        var handler = new BlockingHandler();
        var app = new TestApp(services: s => s.AddSingleton<IWorkHandler>(handler));
        app.CreateClient();
        var queue = app.Services.GetRequiredService<IWorkQueue>();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await queue.EnqueueAsync(new WorkItem(Guid.NewGuid(), "local", "test.block", "{}", 0, now, now));
        await handler.Started.WaitAsync(TimeSpan.FromSeconds(15));

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stop = Task.Run(() => lifetime.StopApplication());
        await stop;
        await Task.Delay(200);
        Assert.False(handler.Cancelled);

        handler.Release();
        await handler.Finished.WaitAsync(TimeSpan.FromSeconds(15));
        var stats = await Http.EventuallyAsync(() => queue.GetStatsAsync(), s => s.Pending == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(0, stats.Pending);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task RetentionPurge_Defaults_ForgetsEventsAfterAWeekDoneItemsAfterAWeekDeadItemsAfterAMonth()
    {
        var now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        var events = new Mock<IEventDeduplicator>();
        events.Setup(e => e.PurgeAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(3);
        var queue = new Mock<IWorkQueue>();
        queue.Setup(q => q.PurgeAsync(It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(5);
        var settings = new WorkerOptions();
        var service = new RetentionService(events.Object, queue.Object, new FakeTimeProvider(now), Options.Create(settings), NullLogger<RetentionService>.Instance);

        var purged = await service.PurgeOnceAsync(settings, CancellationToken.None);

        Assert.Equal((3, 5), purged);
        events.Verify(e => e.PurgeAsync(now.AddDays(-7), It.IsAny<CancellationToken>()), Times.Once);
        queue.Verify(q => q.PurgeAsync(now.AddDays(-7), now.AddDays(-30), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RetentionService_HostStarts_PurgesTheRealStore()
    {
        await using var app = new TestApp();
        app.CreateClient();
        var queue = app.Services.GetRequiredService<IWorkQueue>();
        var dedup = app.Services.GetRequiredService<IEventDeduplicator>();
        var service = app.Services.GetServices<IHostedService>().OfType<RetentionService>().Single();
        var longAgo = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-8);
        Assert.True(await dedup.TryMarkProcessedAsync("local", "ancient-event", longAgo));

        var purged = await service.PurgeOnceAsync(new WorkerOptions(), CancellationToken.None);

        Assert.Equal(1, purged.Events);
        Assert.True(await dedup.TryMarkProcessedAsync("local", "ancient-event", longAgo.AddDays(8)));
        Assert.Equal(0, (await queue.GetStatsAsync()).Dead);
    }

    [Fact]
    public async Task Start_ItemLeasedByThisWorkerBeforeACrash_RunsAtOnceAsAPossibleRepeat()
    {
        var db = Path.Combine(Path.GetTempPath(), "triagebot-host-tests", "restart-" + Guid.NewGuid().ToString("N") + ".db");
        var now = TimeProvider.System.GetUtcNow();
        var item = new WorkItem(Guid.NewGuid(), "local", "test.record", "{\"n\":2}", 0, now, now);
        await using (var before = new TestApp(new Dictionary<string, string?>
        {
            ["TriageBot:Storage:ConnectionString"] = $"Data Source={db}",
            ["TriageBot:Workers:Enabled"] = "false",
        }))
        {
            before.CreateClient();
            var queue = before.Services.GetRequiredService<IWorkQueue>();
            await queue.EnqueueAsync(item);
            // The worker "host-a" claimed it with a long lease and was killed before recording an outcome.
            Assert.Single(await queue.ClaimAsync("host-a", 10, now, now.AddMinutes(30)));
        }

        var handler = new RecordingHandler();
        await using var after = new TestApp(
            new Dictionary<string, string?>
            {
                ["TriageBot:Storage:ConnectionString"] = $"Data Source={db}",
                ["TriageBot:Workers:WorkerId"] = "host-a",
                ["TriageBot:Workers:QueueLease"] = "00:30:00",
            },
            services: s => s.AddSingleton<IWorkHandler>(handler));
        after.CreateClient();

        // Not after the 30-minute lease: the restarted worker releases its own leases on start.
        var handled = await handler.First.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(item.Id, handled.Id);
        Assert.True(handled.MayHaveRunBefore);
    }

    [Fact]
    public void WorkerIdentity_SameDataDirectory_SameQueueOwnerAcrossRestarts()
    {
        var dir = Path.Combine(Path.GetTempPath(), "triagebot-host-tests", "identity-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = new WorkerIdentity(null, dir);
            var second = new WorkerIdentity(null, dir);
            var other = new WorkerIdentity(null, dir + "-other");

            Assert.Equal(first.QueueOwner, second.QueueOwner);
            Assert.NotEqual(first.QueueOwner, other.QueueOwner);
            Assert.StartsWith(Environment.MachineName + ":", first.QueueOwner, StringComparison.Ordinal);
            Assert.NotEqual(first.Owner, second.Owner);
            Assert.Equal("replica-2", new WorkerIdentity(" replica-2 ", dir).QueueOwner);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            if (Directory.Exists(dir + "-other"))
            {
                Directory.Delete(dir + "-other", recursive: true);
            }
        }
    }

    private sealed class RecordingHandler : IWorkHandler
    {
        private readonly TaskCompletionSource<WorkItem> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<WorkItem> First => _first.Task;

        public bool CanHandle(string kind) => kind == "test.record";

        public Task HandleAsync(WorkItem item, CancellationToken ct)
        {
            _first.TrySetResult(item);
            return Task.CompletedTask;
        }
    }

    private sealed class BlockingHandler : IWorkHandler
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public Task Finished => _finished.Task;

        public bool Cancelled { get; private set; }

        public bool CanHandle(string kind) => kind == "test.block";

        public void Release() => _release.TrySetResult();

        public async Task HandleAsync(WorkItem item, CancellationToken ct)
        {
            _started.TrySetResult();
            using var registration = ct.Register(() => Cancelled = true);
            await _release.Task;
            _finished.TrySetResult();
        }
    }
}
