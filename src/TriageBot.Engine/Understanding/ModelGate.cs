using System.Diagnostics.CodeAnalysis;

namespace TriageBot.Engine.Understanding;

/// <summary>
/// Bounds how many requests the sentence model reads at once; callers over the bound wait asynchronously, holding no
/// thread. Shared by everything that reads requests through one set of use cases. With a scheduler, readings run on it
/// (the host's low-priority model threads) and the caller awaits them without holding a thread.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "The semaphore's wait handle is never created (only WaitAsync and Release are used), so there is nothing to dispose.")]
internal sealed class ModelGate(int slots, TaskScheduler? scheduler = null)
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    /// <summary>Runs <paramref name="read"/> once a slot is free.</summary>
    public async ValueTask<T> RunAsync<T>(Func<T> read, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            return scheduler is null
                ? read()
                : await Task.Factory.StartNew(read, ct, TaskCreationOptions.DenyChildAttach, scheduler).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}
