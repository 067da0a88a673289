using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace TriageBot.Embeddings;

/// <summary>
/// Runs tasks on a few dedicated threads that ask the operating system for a lower priority (a higher nice value on
/// Linux, below-normal priority on Windows), so CPU-bound model readings give way to Slack's acknowledgements, which
/// must leave within 3 seconds, and to everything else the machine runs. When the cores are idle a low-priority
/// thread runs at full speed; it only yields when something else wants the core.
/// </summary>
/// <remarks>
/// Dedicated threads, not the thread pool: on Linux an unprivileged process can raise a thread's nice value but never
/// lower it again, so a pool thread lowered for one reading would stay low for everything it ran afterwards.
/// </remarks>
public sealed partial class LowPriorityScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;
    private int _lowered;

    /// <summary>Starts the threads.</summary>
    /// <param name="threads">How many tasks run at once (at least 1).</param>
    /// <param name="nice">The Linux nice value for the threads, 1 (slightly lower) to 19 (lowest).</param>
    public LowPriorityScheduler(int threads, int nice)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nice, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, 19);
        Nice = nice;
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"model-reader-{i + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>The nice value the threads asked for.</summary>
    public int Nice { get; }

    /// <summary>How many of the threads the operating system actually lowered (0 where it refused or has no such notion).</summary>
    public int LoweredThreads => Volatile.Read(ref _lowered);

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Stops taking work; queued tasks still run, then the threads end.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(5));
        }

        _queue.Dispose();
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task) => _queue.Add(task);

    // Never inline: the caller's thread runs at normal priority, which is what this scheduler exists to avoid.
    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        if (LowerCurrentThread(Nice))
        {
            Interlocked.Increment(ref _lowered);
        }

        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    /// <summary>Asks the OS to lower the calling thread's priority; false when it cannot (never throws).</summary>
    internal static bool LowerCurrentThread(int nice)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // On Linux the nice value is per thread, and PRIO_PROCESS with who = 0 means the calling thread.
                return NativeMethods.SetPriority(NativeMethods.PrioProcess, 0, nice) == 0;
            }

            if (OperatingSystem.IsWindows())
            {
                Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
                return true;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
        {
            // A libc without setpriority: the threads still bound the model's concurrency.
        }

        return false;
    }

    /// <summary>The calling thread's nice value on Linux, or null elsewhere.</summary>
    internal static int? CurrentThreadNice() =>
        OperatingSystem.IsLinux() ? NativeMethods.GetPriority(NativeMethods.PrioProcess, 0) : null;

    private static partial class NativeMethods
    {
        public const int PrioProcess = 0;

        [LibraryImport("libc", EntryPoint = "setpriority")]
        public static partial int SetPriority(int which, uint who, int prio);

        [LibraryImport("libc", EntryPoint = "getpriority")]
        public static partial int GetPriority(int which, uint who);
    }
}
