using TriageBot.Engine.Ports;

namespace TriageBot.Storage.Internal;

/// <summary>All ports over one <see cref="Db"/>; the same classes serve both providers.</summary>
internal sealed class SqlStorage : IStorage, IStorageWarmUp, IStorageRehearsal
{
    /// <summary>The tenant key the warm-up reads and writes under: no platform makes such a key.</summary>
    internal const string WarmUpTenant = "warmup:storage";

    private readonly Db _db;
    private readonly TimeProvider _time;
    private int _disposed;

    public SqlStorage(Db db, TimeProvider time)
    {
        _db = db;
        _time = time;
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

    public async Task WarmUpAsync(CancellationToken ct)
    {
        // As many at once as the pool keeps open, so each kept connection is opened (authenticated) now, and twice,
        // because PostgreSQL statements are prepared from their second use on a connection.
        var width = _db is PostgresDb postgres ? Math.Max(1, postgres.MinPoolSize) : 1;
        for (var round = 0; round < 2; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, width).Select(_ => HotPathAsync(ct)));
        }
    }

    // The statements of a Slack or Teams acknowledgement, on a tenant no platform uses: the reads of a triage, and
    // an event claim that is given back at once (one row inserted and deleted).
    private async Task HotPathAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        _ = await Installations.GetAsync(WarmUpTenant, ct);
        _ = await Requests.GetAsync(WarmUpTenant, Guid.Empty, ct);
        _ = await LeadSettings.GetAsync(WarmUpTenant, "warmup", ct);
        _ = await Ledger.LoggedMinutesByLeadAsync(WarmUpTenant, now.AddDays(-7), now, ct);
        _ = await Requests.CountRedirectsByOwnerAsync(WarmUpTenant, now.AddDays(-28), ct);
        _ = await Requests.CountTopicForLeadAsync(WarmUpTenant, "warmup", "warmup", now.AddDays(-28), now, 3, ct);
        var eventId = "warmup-" + Guid.NewGuid().ToString("N");
        var leaseUntil = now.AddSeconds(30);
        if (await Events.TryClaimAsync(WarmUpTenant, eventId, now, leaseUntil, ct) == EventClaim.Claimed)
        {
            await Events.ReleaseAsync(WarmUpTenant, eventId, leaseUntil, ct);
        }
    }

    public Task<bool> RehearseAsync(Func<CancellationToken, Task> work, CancellationToken ct) => _db.RehearseAsync(work, ct);

    public bool IsRehearsing => _db.IsRehearsing;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _db.DisposeAsync();
        }
    }
}
