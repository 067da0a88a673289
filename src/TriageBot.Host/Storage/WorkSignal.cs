namespace TriageBot.Host.Storage;

/// <summary>
/// Wakes the queue worker as soon as work is enqueued in this process, so queued work starts without waiting for the poll.
/// A waiter takes <see cref="Next"/> before it looks at the queue, so a signal raised while it works is never lost.
/// </summary>
public sealed class WorkSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when <see cref="Notify"/> is called after this moment.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes whoever waits on the current <see cref="Next"/>.</summary>
    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
