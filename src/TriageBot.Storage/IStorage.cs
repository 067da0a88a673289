using TriageBot.Engine.Ports;

namespace TriageBot.Storage;

/// <summary>One opened database with every engine port implemented over it. Thread-safe; dispose at shutdown.</summary>
public interface IStorage : IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres".</summary>
    string Provider { get; }

    IRequestStore Requests { get; }
    ITimeLedger Ledger { get; }
    IEventDeduplicator Events { get; }
    IWorkQueue Queue { get; }
    IInstallationStore Installations { get; }
    IConversationReferenceStore Conversations { get; }
    ILeadSettingsStore LeadSettings { get; }
    TriageBot.Engine.Understanding.ILearnedExampleStore LearnedExamples { get; }
    IDigestDeliveryStore Digests { get; }
    IApiKeyStore ApiKeys { get; }
    IStorageMigrator Migrator { get; }
}

/// <summary>Storage settings, bound from <c>TriageBot:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>"sqlite" (default) or "postgres".</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Connection string. SQLite default: <c>Data Source=./data/triagebot.db</c>. PostgreSQL: an Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>
/// Storage that can prepare itself for traffic: connections opened, the hot statements run (and prepared, on
/// PostgreSQL) and their code compiled, so the first requests after start do not pay for it. Writes nothing that stays.
/// </summary>
public interface IStorageWarmUp
{
    /// <summary>Warms up; safe to call more than once and concurrently with traffic.</summary>
    Task WarmUpAsync(CancellationToken ct);
}
