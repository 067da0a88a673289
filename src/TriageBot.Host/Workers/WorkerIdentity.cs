using System.Globalization;

namespace TriageBot.Host.Workers;

/// <summary>
/// Who this process is to the others. <see cref="Owner"/> (digest claims) is unique to this process: machine, process id
/// and a random part. <see cref="QueueOwner"/> (queue leases) survives restarts — the configured
/// <c>TriageBot:Workers:WorkerId</c>, or the host name plus an id kept in the data directory — so a restarted worker
/// recognises the leases its previous life held and releases them at once.
/// </summary>
public sealed class WorkerIdentity
{
    /// <summary>A process-only identity (tests, tools): the queue owner does not survive a restart.</summary>
    public WorkerIdentity()
    {
        Owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        QueueOwner = Owner;
    }

    /// <summary>An identity whose queue owner is <paramref name="workerId"/>, or the host name plus an id persisted in <paramref name="dataDirectory"/>.</summary>
    public WorkerIdentity(string? workerId, string dataDirectory)
    {
        Owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        QueueOwner = string.IsNullOrWhiteSpace(workerId) ? $"{Environment.MachineName}:{PersistedId(dataDirectory)}" : workerId.Trim();
    }

    /// <summary>The owner id for digest claims: unique to this process.</summary>
    public string Owner { get; }

    /// <summary>The owner id for queue leases: stable across restarts of this worker.</summary>
    public string QueueOwner { get; }

    private static string PersistedId(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "worker-id");
        try
        {
            if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 8 and <= 64 } existing && existing.All(char.IsAsciiLetterOrDigit))
            {
                return existing;
            }

            Directory.CreateDirectory(dataDirectory);
            var id = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
            var temp = path + ".tmp";
            File.WriteAllText(temp, id);
            File.Move(temp, path, overwrite: true);
            return id;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only data directory: this life's leases simply run out after a crash (QueueLease) instead of being released.
            return "p" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
        }
    }
}
