using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Engine.Tests.Fakes;

namespace TriageBot.Engine.Tests.Queue;

public sealed class WorkQueueRunnerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 14, 0, 0, TimeSpan.Zero);

    private sealed class ScriptedHandler(string prefix, Func<WorkItem, CancellationToken, Task> run) : IWorkHandler
    {
        public List<Guid> Seen { get; } = [];

        public bool CanHandle(string kind) => kind.StartsWith(prefix, StringComparison.Ordinal);

        public async Task HandleAsync(WorkItem item, CancellationToken ct)
        {
            lock (Seen)
            {
                Seen.Add(item.Id);
            }

            await run(item, ct);
        }
    }

    private static WorkItem Item(string kind = "slack.post", DateTimeOffset? notBefore = null) =>
        new(Guid.NewGuid(), TestOrg.Tenant, kind, "{}", 0, notBefore ?? Start, Start);

    private static WorkQueueRunnerOptions NoJitter => new() { RandomSource = () => 0 };

    [Fact]
    public async Task RunOnceAsync_Success_CompletesAndRaisesEvent()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item();
        await queue.EnqueueAsync(item);
        var handler = new Mock<IWorkHandler>();
        handler.Setup(h => h.CanHandle("slack.post")).Returns(true);
        handler.Setup(h => h.HandleAsync(It.IsAny<WorkItem>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        var runner = new WorkQueueRunner(queue, [handler.Object], time);
        var completed = new List<WorkItemCompletedEventArgs>();
        runner.ItemCompleted += (_, e) => completed.Add(e);

        Assert.Equal(1, await runner.RunOnceAsync("worker-1", CancellationToken.None));

        handler.Verify(h => h.HandleAsync(It.Is<WorkItem>(w => w.Id == item.Id), It.IsAny<CancellationToken>()), Times.Once);
        Assert.True(queue.Get(item.Id).Completed);
        Assert.Equal(item.Id, Assert.Single(completed).Item.Id);
        Assert.Equal(0, await runner.RunOnceAsync("worker-1", CancellationToken.None));
    }

    [Fact]
    public async Task RunOnceAsync_PicksHandlerByKind()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var slack = new ScriptedHandler("slack.", (_, _) => Task.CompletedTask);
        var teams = new ScriptedHandler("teams.", (_, _) => Task.CompletedTask);
        var a = Item("slack.post");
        var b = Item("teams.send");
        await queue.EnqueueAsync(a);
        await queue.EnqueueAsync(b);

        Assert.Equal(2, await new WorkQueueRunner(queue, [slack, teams], time).RunOnceAsync("w", CancellationToken.None));

        Assert.Equal([a.Id], slack.Seen);
        Assert.Equal([b.Id], teams.Seen);
    }

    [Fact]
    public async Task RunOnceAsync_TransientFailure_RetriedWithExponentialBackoff()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item();
        await queue.EnqueueAsync(item);
        var attempts = 0;
        var handler = new ScriptedHandler("slack.", (_, _) => ++attempts < 3 ? throw new TimeoutException("slow") : Task.CompletedTask);
        var runner = new WorkQueueRunner(queue, [handler], time, NoJitter);
        var failures = new List<WorkItemFailedEventArgs>();
        runner.ItemFailed += (_, e) => failures.Add(e);

        await runner.RunOnceAsync("w", CancellationToken.None);
        var afterFirst = queue.Get(item.Id);
        Assert.Equal(1, afterFirst.Item.Attempts);
        Assert.Equal(Start.AddSeconds(2), afterFirst.Item.NotBefore);
        Assert.False(afterFirst.Dead);
        Assert.Contains("TimeoutException: slow", afterFirst.LastError, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await runner.RunOnceAsync("w", CancellationToken.None)); // not ready yet
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await runner.RunOnceAsync("w", CancellationToken.None));
        Assert.Equal(Start.AddSeconds(2 + 4), queue.Get(item.Id).Item.NotBefore);

        time.Advance(TimeSpan.FromSeconds(4));
        await runner.RunOnceAsync("w", CancellationToken.None);
        Assert.True(queue.Get(item.Id).Completed);
        Assert.Equal(3, attempts);
        Assert.Equal([1, 2], failures.Select(f => f.Attempt));
        Assert.All(failures, f => Assert.False(f.Dead));
    }

    [Fact]
    public async Task RunOnceAsync_Jitter_ShortensDelayWithinBound()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item();
        await queue.EnqueueAsync(item);
        var handler = new ScriptedHandler("slack.", (_, _) => throw new InvalidOperationException("boom"));
        var runner = new WorkQueueRunner(queue, [handler], time, new WorkQueueRunnerOptions { Jitter = 0.2, RandomSource = () => 1 });

        await runner.RunOnceAsync("w", CancellationToken.None);

        Assert.Equal(Start.AddSeconds(1.6), queue.Get(item.Id).Item.NotBefore);
    }

    [Fact]
    public void BackoffFor_DoublesAndCapsAtTenMinutes()
    {
        var runner = new WorkQueueRunner(new InMemoryWorkQueue(), [], TimeProvider.System);
        Assert.Equal(TimeSpan.FromSeconds(2), runner.BackoffFor(1));
        Assert.Equal(TimeSpan.FromSeconds(4), runner.BackoffFor(2));
        Assert.Equal(TimeSpan.FromSeconds(256), runner.BackoffFor(8));
        Assert.Equal(TimeSpan.FromSeconds(512), runner.BackoffFor(9));
        Assert.Equal(TimeSpan.FromMinutes(10), runner.BackoffFor(10));
        Assert.Equal(TimeSpan.FromMinutes(10), runner.BackoffFor(500));
    }

    [Fact]
    public async Task RunOnceAsync_MaxAttemptsReached_Dead()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item();
        await queue.EnqueueAsync(item);
        var handler = new ScriptedHandler("slack.", (_, _) => throw new InvalidOperationException("still broken"));
        var runner = new WorkQueueRunner(queue, [handler], time, NoJitter with { MaxAttempts = 3 });
        WorkItemFailedEventArgs? last = null;
        runner.ItemFailed += (_, e) => last = e;

        for (var i = 0; i < 10; i++)
        {
            await runner.RunOnceAsync("w", CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(11));
        }

        var entry = queue.Get(item.Id);
        Assert.True(entry.Dead);
        Assert.Equal(3, entry.Item.Attempts);
        Assert.Equal(3, handler.Seen.Count);
        Assert.True(last!.Dead);
        Assert.Equal(3, last.Attempt);
        Assert.Equal(1, (await queue.GetStatsAsync()).Dead);
    }

    [Fact]
    public async Task RunOnceAsync_PermanentFailure_DeadImmediately()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item();
        await queue.EnqueueAsync(item);
        var handler = new ScriptedHandler("slack.", (_, _) => throw new PermanentWorkException("token revoked"));
        var runner = new WorkQueueRunner(queue, [handler], time);
        WorkItemFailedEventArgs? failed = null;
        runner.ItemFailed += (_, e) => failed = e;

        await runner.RunOnceAsync("w", CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        await runner.RunOnceAsync("w", CancellationToken.None);

        Assert.True(queue.Get(item.Id).Dead);
        Assert.Single(handler.Seen);
        Assert.True(failed!.Dead);
        Assert.IsType<PermanentWorkException>(failed.Error);
    }

    [Fact]
    public async Task RunOnceAsync_NoHandlerForKind_Dead()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item("mystery.kind");
        await queue.EnqueueAsync(item);
        var runner = new WorkQueueRunner(queue, [new ScriptedHandler("slack.", (_, _) => Task.CompletedTask)], time);
        WorkItemFailedEventArgs? failed = null;
        runner.ItemFailed += (_, e) => failed = e;

        Assert.Equal(1, await runner.RunOnceAsync("w", CancellationToken.None));

        var entry = queue.Get(item.Id);
        Assert.True(entry.Dead);
        Assert.Contains("no handler", entry.LastError, StringComparison.Ordinal);
        Assert.True(failed!.Dead);
        Assert.Null(failed.Error);
    }

    [Fact]
    public async Task RunOnceAsync_ClaimsAtMostBatchSizeUnderLease()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        for (var i = 0; i < 20; i++)
        {
            await queue.EnqueueAsync(Item());
        }

        var handler = new ScriptedHandler("slack.", (_, _) => Task.CompletedTask);
        var runner = new WorkQueueRunner(queue, [handler], time, new WorkQueueRunnerOptions { BatchSize = 16 });

        Assert.Equal(16, await runner.RunOnceAsync("w", CancellationToken.None));
        Assert.Equal(4, await runner.RunOnceAsync("w", CancellationToken.None));
        Assert.Equal(20, handler.Seen.Distinct().Count());
        Assert.Equal(0, (await queue.GetStatsAsync()).Pending);
    }

    [Fact]
    public async Task RunOnceAsync_NotBeforeInFuture_NotClaimed()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        await queue.EnqueueAsync(Item(notBefore: Start.AddMinutes(5)));
        var runner = new WorkQueueRunner(queue, [new ScriptedHandler("slack.", (_, _) => Task.CompletedTask)], time);
        Assert.Equal(0, await runner.RunOnceAsync("w", CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await runner.RunOnceAsync("w", CancellationToken.None));
    }

    [Fact]
    public async Task RunOnceAsync_CancelledDuringHandler_AttemptNotCountedAndItemReclaimableAfterLease()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item();
        await queue.EnqueueAsync(item);
        using var cts = new CancellationTokenSource();
        var handler = new ScriptedHandler("slack.", async (_, ct) =>
        {
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
        });
        var runner = new WorkQueueRunner(queue, [handler], time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunOnceAsync("w", cts.Token));

        var entry = queue.Get(item.Id);
        Assert.Equal(0, entry.Item.Attempts);
        Assert.False(entry.Completed);
        Assert.False(entry.Dead);

        var next = new WorkQueueRunner(queue, [new ScriptedHandler("slack.", (_, _) => Task.CompletedTask)], time);
        Assert.Equal(0, await next.RunOnceAsync("w2", CancellationToken.None)); // still leased
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await next.RunOnceAsync("w2", CancellationToken.None));
        Assert.True(queue.Get(item.Id).Completed);
    }

    [Fact]
    public async Task RunOnceAsync_ObserverThrows_OutcomeUnchanged()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item();
        await queue.EnqueueAsync(item);
        var runner = new WorkQueueRunner(queue, [new ScriptedHandler("slack.", (_, _) => Task.CompletedTask)], time);
        runner.ItemCompleted += (_, _) => throw new InvalidOperationException("logging sink down");

        Assert.Equal(1, await runner.RunOnceAsync("w", CancellationToken.None));
        Assert.True(queue.Get(item.Id).Completed);
    }
    [Fact]
    public async Task FillAsync_SlowItem_DoesNotHoldBackTheOthers()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var slow = Item(kind: "slack.slow");
        await queue.EnqueueAsync(slow);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler("slack.", (item, ct) => item.Kind == "slack.slow" ? release.Task.WaitAsync(ct) : Task.CompletedTask);
        var runner = new WorkQueueRunner(queue, [handler], time, new WorkQueueRunnerOptions { MaxConcurrency = 2, BatchSize = 2 });

        Assert.Equal(1, await runner.FillAsync("w", CancellationToken.None, CancellationToken.None));
        var fast = Enumerable.Range(0, 5).Select(_ => Item()).ToList();
        foreach (var item in fast)
        {
            await queue.EnqueueAsync(item);
        }

        // One slot stays busy with the slow item; the other keeps draining the queue one item at a time.
        for (var i = 0; i < fast.Count; i++)
        {
            Assert.Equal(1, await runner.FillAsync("w", CancellationToken.None, CancellationToken.None));
        }

        await WaitUntilAsync(() => fast.All(f => queue.Get(f.Id).Completed));
        Assert.False(queue.Get(slow.Id).Completed);
        Assert.Equal(1, runner.InFlight);

        release.SetResult();
        await runner.DrainAsync();
        Assert.True(queue.Get(slow.Id).Completed);
        Assert.Equal(0, runner.InFlight);
    }

    [Fact]
    public async Task FillAsync_MaxClaimOne_ClaimsOneItemThoughSlotsAreFree()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        for (var i = 0; i < 5; i++)
        {
            await queue.EnqueueAsync(Item());
        }

        var runner = new WorkQueueRunner(queue, [new ScriptedHandler("slack.", (_, _) => Task.CompletedTask)], time,
            new WorkQueueRunnerOptions { MaxConcurrency = 8, BatchSize = 8 });

        Assert.Equal(1, await runner.FillAsync("w", 1, CancellationToken.None, CancellationToken.None));
        await runner.DrainAsync();
        Assert.Equal(4, (await queue.GetStatsAsync()).Pending);

        // The slots it did not use are free again: a full fill takes the rest.
        Assert.Equal(4, await runner.FillAsync("w", CancellationToken.None, CancellationToken.None));
        await runner.DrainAsync();
        Assert.Equal(0, (await queue.GetStatsAsync()).Pending);
    }

    [Fact]
    public async Task FillAsync_AllSlotsBusy_WaitsForOneToFree()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        await queue.EnqueueAsync(Item());
        await queue.EnqueueAsync(Item());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new WorkQueueRunner(queue, [new ScriptedHandler("slack.", (_, ct) => release.Task.WaitAsync(ct))], time,
            new WorkQueueRunnerOptions { MaxConcurrency = 1, BatchSize = 4 });

        Assert.Equal(1, await runner.FillAsync("w", CancellationToken.None, CancellationToken.None));
        var second = runner.FillAsync("w", CancellationToken.None, CancellationToken.None);
        Assert.False(second.IsCompleted);

        release.SetResult();
        Assert.Equal(1, await second);
        await runner.DrainAsync();
        Assert.Equal(0, (await queue.GetStatsAsync()).Pending);
    }

    [Fact]
    public async Task FillAsync_StopClaiming_CancelsTheWaitForASlot()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        await queue.EnqueueAsync(Item());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new WorkQueueRunner(queue, [new ScriptedHandler("slack.", (_, ct) => release.Task.WaitAsync(ct))], time,
            new WorkQueueRunnerOptions { MaxConcurrency = 1 });
        await runner.FillAsync("w", CancellationToken.None, CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var waiting = runner.FillAsync("w", stop.Token, CancellationToken.None);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        release.SetResult();
        await runner.DrainAsync();
    }

    [Fact]
    public async Task RenewLeasesAsync_RenewsOnlyItemsInFlight()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var running = Item(kind: "slack.slow");
        var done = Item();
        await queue.EnqueueAsync(running);
        await queue.EnqueueAsync(done);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler("slack.", (item, ct) => item.Kind == "slack.slow" ? release.Task.WaitAsync(ct) : Task.CompletedTask);
        var runner = new WorkQueueRunner(queue, [handler], time, new WorkQueueRunnerOptions { LeaseDuration = TimeSpan.FromSeconds(15), HeartbeatInterval = TimeSpan.FromSeconds(5) });
        await runner.FillAsync("w", CancellationToken.None, CancellationToken.None);
        await WaitUntilAsync(() => queue.Get(done.Id).Completed);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await runner.RenewLeasesAsync("w", CancellationToken.None));

        Assert.Equal([running.Id], Assert.Single(queue.Renewals));
        Assert.Equal(Start.AddSeconds(25), queue.Get(running.Id).LeaseUntil);
        release.SetResult();
        await runner.DrainAsync();
        Assert.Equal(0, await runner.RenewLeasesAsync("w", CancellationToken.None));
    }

    [Fact]
    public async Task RunHeartbeatAsync_EachInterval_RenewsTheRunningItemsLease()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item();
        await queue.EnqueueAsync(item);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new WorkQueueRunner(queue, [new ScriptedHandler("slack.", (_, ct) => release.Task.WaitAsync(ct))], time,
            new WorkQueueRunnerOptions { LeaseDuration = TimeSpan.FromSeconds(15), HeartbeatInterval = TimeSpan.FromSeconds(5) });
        await runner.FillAsync("w", CancellationToken.None, CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var heartbeat = runner.RunHeartbeatAsync("w", stop.Token);

        // A minute of a live worker: the lease never runs out, so nobody else can claim the item.
        for (var beat = 1; beat <= 12; beat++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            var expected = beat;
            await WaitUntilAsync(() => queue.Renewals.Count >= expected);
            Assert.Empty(await queue.ClaimAsync("other", 10, time.GetUtcNow(), time.GetUtcNow().AddSeconds(15)));
        }

        await stop.CancelAsync();
        await heartbeat;
        release.SetResult();
        await runner.DrainAsync();
        Assert.True(queue.Get(item.Id).Completed);
    }

    [Fact]
    public async Task ReleaseOwnLeasesAsync_AfterRestart_ItemRunsAtOnceAndKnowsItMayHaveRun()
    {
        var time = new FakeTimeProvider(Start);
        var queue = new InMemoryWorkQueue();
        var item = Item();
        await queue.EnqueueAsync(item);
        await queue.ClaimAsync("host-a", 10, Start, Start.AddSeconds(15)); // the previous life of host-a, killed mid-item
        WorkItem? seen = null;
        var runner = new WorkQueueRunner(queue, [new ScriptedHandler("slack.", (w, _) => { seen = w; return Task.CompletedTask; })], time);

        Assert.Equal(1, await runner.ReleaseOwnLeasesAsync("host-a", CancellationToken.None));
        Assert.Equal(1, await runner.RunOnceAsync("host-a", CancellationToken.None));

        Assert.True(seen!.MayHaveRunBefore);
        Assert.True(queue.Get(item.Id).Completed);
    }

    [Fact]
    public void Constructor_HeartbeatLongerThanHalfTheLease_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueueRunner(new InMemoryWorkQueue(), [], new FakeTimeProvider(Start),
            new WorkQueueRunnerOptions { LeaseDuration = TimeSpan.FromSeconds(15), HeartbeatInterval = TimeSpan.FromSeconds(10) }));

    // Waits for background work to reach a state; the deadline only guards against a hang (no timing is asserted).
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, deadline.Token);
        }
    }
}
