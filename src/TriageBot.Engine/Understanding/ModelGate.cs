using System.Diagnostics.CodeAnalysis;

namespace TriageBot.Engine.Understanding;

/// <summary>
/// Bounds how many requests the sentence model reads at once; callers over the bound wait asynchronously, holding no
/// thread. Shared by everything that reads requests through one set of use cases.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "The semaphore's wait handle is never created (only WaitAsync and Release are used), so there is nothing to dispose.")]
internal sealed class ModelGate(int slots)
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    /// <summary>Runs <paramref name="read"/> once a slot is free.</summary>
    public async ValueTask<T> RunAsync<T>(Func<T> read, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            return read();
        }
        finally
        {
            _slots.Release();
        }
    }
}
