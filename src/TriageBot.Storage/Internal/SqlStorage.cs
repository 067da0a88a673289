using TriageBot.Engine.Ports;

namespace TriageBot.Storage.Internal;

/// <summary>All ports over one <see cref="Db"/>; the same classes serve both providers.</summary>
internal sealed class SqlStorage : IStorage
{
    private readonly Db _db;
    private int _disposed;

    public SqlStorage(Db db, TimeProvider time)
    {
        _db = db;
        Requests = new RequestStore(db, time);
        Ledger = new TimeLedger(db, time);
        Events = new EventDeduplicator(db);
        Queue = new WorkQueue(db, time);
        Installations = new InstallationStore(db, time);
        Conversations = new ConversationReferenceStore(db);
        LeadSettings = new LeadSettingsStore(db);
        LearnedExamples = new LearnedExampleStore(db);
        Digests = new DigestDeliveryStore(db);
        ApiKeys = new ApiKeyStore(db);
        MigratorImpl = new Migrator(db, time);
    }

    internal Db Db => _db;

    internal Migrator MigratorImpl { get; }

    public string Provider => _db.Provider;

    public IRequestStore Requests { get; }

    public ITimeLedger Ledger { get; }

    public IEventDeduplicator Events { get; }

    public IWorkQueue Queue { get; }

    public IInstallationStore Installations { get; }

    public IConversationReferenceStore Conversations { get; }

    public ILeadSettingsStore LeadSettings { get; }

    public TriageBot.Engine.Understanding.ILearnedExampleStore LearnedExamples { get; }

    public IDigestDeliveryStore Digests { get; }

    public IApiKeyStore ApiKeys { get; }

    public IStorageMigrator Migrator => MigratorImpl;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _db.DisposeAsync();
        }
    }
}
