namespace TriageBot.Host.Workers;

/// <summary>
/// A background loop that runs one pass at start and then every <see cref="Interval"/> (on the injected clock), survives
/// a failing pass (reported to <see cref="OnPassFailed"/>; the next tick tries again) and ends quietly on shutdown.
/// </summary>
internal abstract class PeriodicWorker(TimeProvider time) : BackgroundService
{
    /// <summary>The clock the loop ticks on (also for the passes).</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>Time between passes.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>False on a replica that must not run this worker: the loop does not start.</summary>
    protected virtual bool Enabled => true;

    /// <summary>The token a pass runs under (by default the stopping token; a pass that should finish its unit of work on shutdown passes a later one).</summary>
    protected virtual CancellationToken PassToken(CancellationToken stoppingToken) => stoppingToken;

    /// <summary>One pass.</summary>
    protected abstract Task RunPassAsync(CancellationToken ct);

    /// <summary>A pass threw (other than by shutdown): log and count it.</summary>
    protected abstract void OnPassFailed(Exception exception);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        var passToken = PassToken(stoppingToken);
        using var timer = new PeriodicTimer(Interval, Time);
        do
        {
            try
            {
                await RunPassAsync(passToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (passToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                OnPassFailed(ex);
            }
        }
        while (await TickAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
