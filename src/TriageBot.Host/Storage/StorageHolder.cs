using Microsoft.Extensions.Options;
using TriageBot.Engine.Ports;
using TriageBot.Storage;

namespace TriageBot.Host.Storage;

/// <summary>
/// Opens the database once (and migrates it) for the whole process. <see cref="StorageStartupService"/> opens it before the
/// app serves; anything resolving a port earlier simply waits for the same open.
/// </summary>
public sealed partial class StorageHolder(IOptions<StorageOptions> options, TimeProvider time, ILogger<StorageHolder> logger)
{
    private readonly Lazy<Task<IStorage>> _open = new(() => OpenWithRetriesAsync(options.Value, time, logger), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The opened storage (waits for the open when it is still running).</summary>
    public IStorage Storage => _open.Value.GetAwaiter().GetResult();

    /// <summary>Opens (once) and returns the storage.</summary>
    public Task<IStorage> OpenAsync() => _open.Value;

    private static async Task<IStorage> OpenWithRetriesAsync(StorageOptions options, TimeProvider time, ILogger logger)
    {
        // A server database may still be starting next to us (compose, Kubernetes): retry for about half a minute.
        // SQLite failures are not transient (bad path, permissions), so they fail at once.
        var attempts = string.Equals(options.Provider, "postgres", StringComparison.OrdinalIgnoreCase) ? 8 : 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var started = time.GetTimestamp();
                var storage = await StorageFactory.OpenAsync(options, time, CancellationToken.None).ConfigureAwait(false);
                LogOpened(logger, storage.Provider, time.GetElapsedTime(started).TotalMilliseconds);
                return storage;
            }
            catch (Exception ex) when (attempt < attempts && ex is not OptionsValidationException and not ArgumentException)
            {
                var delay = TimeSpan.FromSeconds(Math.Min(8, 1 << (attempt - 1)));
                LogRetry(logger, options.Provider, attempt, attempts, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, time).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Storage opened: {Provider}, migrations applied in {ElapsedMs:F0} ms")]
    private static partial void LogOpened(ILogger logger, string provider, double elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "Opening the {Provider} database failed (attempt {Attempt} of {Attempts}), retrying in {DelaySeconds} s: {Reason}")]
    private static partial void LogRetry(ILogger logger, string provider, int attempt, int attempts, double delaySeconds, string reason);
}

/// <summary>Opens and migrates the database before anything else starts, so the app never serves without its schema.</summary>
internal sealed class StorageStartupService(StorageHolder holder) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => holder.OpenAsync().WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Storage that cannot rehearse (a test double): warm-ups skip their rehearsals.</summary>
internal sealed class NoRehearsal : IStorageRehearsal
{
    public static NoRehearsal Instance { get; } = new();

    public Task<bool> RehearseAsync(Func<CancellationToken, Task> work, CancellationToken ct) => Task.FromResult(false);

    public bool IsRehearsing => false;
}
