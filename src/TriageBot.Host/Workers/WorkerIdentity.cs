namespace TriageBot.Host.Workers;

/// <summary>This process's owner id for queue leases and digest claims: machine, process id and a random part (unique across restarts and replicas).</summary>
public sealed class WorkerIdentity
{
    /// <summary>The owner id.</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
}
