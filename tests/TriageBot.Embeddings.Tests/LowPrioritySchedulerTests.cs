namespace TriageBot.Embeddings.Tests;

public sealed class LowPrioritySchedulerTests
{
    [Fact]
    public async Task Run_OnLinux_TaskRunsOnAThreadWithTheNiceValue()
    {
        using var scheduler = new LowPriorityScheduler(threads: 1, nice: 7);

        var (name, nice) = await Task.Factory.StartNew(
            () => (Thread.CurrentThread.Name, LowPriorityScheduler.CurrentThreadNice()),
            CancellationToken.None, TaskCreationOptions.None, scheduler);

        Assert.Equal("model-reader-1", name);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(7, nice);
            Assert.Equal(1, scheduler.LoweredThreads);
        }
    }

    // Blocking on purpose: the test compares the calling thread's own priority before and after.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "xUnit1031", Justification = "The test is about the calling thread.")]
    [Fact]
    public void Lower_OnLinux_LeavesOtherThreadsAtTheirPriority()
    {
        var before = LowPriorityScheduler.CurrentThreadNice();
        using (var scheduler = new LowPriorityScheduler(threads: 1, nice: 12))
        {
            Task.Factory.StartNew(() => { }, CancellationToken.None, TaskCreationOptions.None, scheduler).Wait(TimeSpan.FromSeconds(30));
        }

        // The nice value is per thread on Linux: the caller (and the thread pool) keep theirs.
        Assert.Equal(before, LowPriorityScheduler.CurrentThreadNice());
    }

    [Fact]
    public async Task Run_MoreTasksThanThreads_AtMostThatManyAtOnce()
    {
        using var scheduler = new LowPriorityScheduler(threads: 2, nice: 10);
        using var release = new ManualResetEventSlim(false);
        var inside = 0;
        var most = 0;
        var entered = new SemaphoreSlim(0);

        var tasks = Enumerable.Range(0, 5).Select(_ => Task.Factory.StartNew(
            () =>
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref most, now);
                entered.Release();
                release.Wait(TimeSpan.FromSeconds(30));
                Interlocked.Decrement(ref inside);
            },
            CancellationToken.None, TaskCreationOptions.None, scheduler)).ToList();

        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.False(await entered.WaitAsync(TimeSpan.FromMilliseconds(300)), "a third task ran while two held both threads");

        release.Set();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, most);
        Assert.Equal(2, scheduler.MaximumConcurrencyLevel);
    }

    // Blocking on purpose: Wait() is what offers the scheduler to run the task inline.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "xUnit1031", Justification = "Wait() is the subject of the test.")]
    [Fact]
    public void Wait_FromAnotherThread_NeverRunsTheTaskInline()
    {
        using var scheduler = new LowPriorityScheduler(threads: 1, nice: 10);
        using var release = new ManualResetEventSlim(false);
        var busy = Task.Factory.StartNew(() => release.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None, TaskCreationOptions.None, scheduler);
        var task = Task.Factory.StartNew(() => Thread.CurrentThread.Name, CancellationToken.None, TaskCreationOptions.None, scheduler);
        _ = Task.Run(async () =>
        {
            await Task.Delay(200);
            release.Set();
        });

        // The only thread is busy, so Wait() (without a timeout: only then does it inline) offers to run the queued task
        // here; this scheduler refuses, so it runs on its own low-priority thread once that is free (within 200 ms).
        task.Wait();
        Assert.Equal("model-reader-1", task.Result);
        Assert.True(busy.Wait(TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 0)]
    [InlineData(1, 20)]
    public void Constructor_OutOfRange_Throws(int threads, int nice) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LowPriorityScheduler(threads, nice));

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
