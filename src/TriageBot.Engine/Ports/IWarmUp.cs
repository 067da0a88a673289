namespace TriageBot.Engine.Ports;

/// <summary>
/// Work an adapter or a store runs once after start and before the instance reports ready: its hot code compiled,
/// connections opened, caches filled, so the first real requests are as fast as the rest. It must not change what the
/// bot has stored or send anything to a platform.
/// </summary>
public interface IWarmUp
{
    /// <summary>A short name for the log.</summary>
    string Name { get; }

    /// <summary>Warms up. A failure is logged and does not keep the instance from becoming ready.</summary>
    Task WarmUpAsync(CancellationToken ct);
}
