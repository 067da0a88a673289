using Microsoft.Extensions.Time.Testing;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

/// <summary>
/// The one contract suite every provider must pass (see <see cref="SqliteStorageTests"/> and <see cref="PostgresStorageTests"/>).
/// Each test gets a fresh empty database (a new SQLite file or a new PostgreSQL schema) and a storage opened on it.
/// </summary>
public abstract partial class StorageContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero); // Monday of 2026-W48

    private readonly List<IStorage> _opened = [];

    protected FakeTimeProvider Time { get; } = new(T0);

    protected ITestDatabase Database { get; private set; } = null!;

    protected IStorage Storage { get; private set; } = null!;

    protected abstract string ExpectedProvider { get; }

    protected abstract Task<ITestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        Storage = await OpenAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var storage in _opened)
        {
            await storage.DisposeAsync();
        }

        await Database.DisposeAsync();
        foreach (var database in _extraDatabases)
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>Another independent storage instance (own pool and connections) on the same database.</summary>
    protected async Task<IStorage> OpenAsync()
    {
        var storage = await StorageFactory.OpenAsync(Database.Options, Time);
        _opened.Add(storage);
        return storage;
    }

    protected async Task<IStorage[]> OpenManyAsync(int count)
    {
        var list = new IStorage[count];
        for (var i = 0; i < count; i++)
        {
            list[i] = await OpenAsync();
        }

        return list;
    }

    // ----- builders -----

    protected static RequestRecord Request(string tenant = "t1", string lead = "lead-1", DateTimeOffset? at = null, string? topic = "sql", Guid? id = null) =>
        new(id ?? Guid.NewGuid(), tenant, Platform.Slack, "C123", "1700000000.000100", "https://x.slack.com/archives/C123/p1700000000000100",
            "req-1", "Rita Requester", lead, "How do I write this window function? ünïcødé ✓ 'quotes' \"dq\"", at ?? T0, topic,
            RequestStatus.Open, null, null, at ?? T0);

    protected static Decision SampleDecision(DecisionOutcome outcome = DecisionOutcome.Redirect) => new(
        outcome,
        outcome == DecisionOutcome.Take ? HelpMode.Teach : null,
        "rule-1-service-team",
        "A team whose objective is to provide this exists: send it there.",
        new RequestAnalysis(
            [new TopicMatch("sql", 0.1 + 0.2, ["window function", "SQL"]), new TopicMatch("dbt", 1e-17, [])],
            AskKind.Learn,
            ["how do I"],
            true,
            Horizon.Long,
            ["going forward"]),
        [
            new QuestionAnswer(Question.Skill, AnswerValue.Yes, "You are level 5 on SQL.", ["sql:5"]),
            new QuestionAnswer(Question.Reuse, AnswerValue.Unsure, "No signal.", []),
            new QuestionAnswer(Question.Team, AnswerValue.Yes, "Data Platform serves SQL.", ["data-platform"], Overridden: true),
            new QuestionAnswer(Question.Horizon, AnswerValue.Long, "\"going forward\"", ["going forward"]),
        ],
        [
            new Owner(OwnerType.Team, "data-platform", "Data Platform", "#help-data", "Service team for SQL."),
            new Owner(OwnerType.Person, "bob", "Bob", null, "Level 4 on SQL, spare time."),
        ],
        outcome == DecisionOutcome.Take ? new HowToHelp("20-minute pairing session", 20, true) : null,
        outcome == DecisionOutcome.Take,
        "2026.1");

    protected static DecisionRecord DecisionFor(RequestRecord request, int version = 1, Decision? decision = null, IReadOnlyDictionary<Question, AnswerValue>? overrides = null) =>
        new(request.Id, version, decision ?? SampleDecision(), overrides ?? new Dictionary<Question, AnswerValue>(), request.ReceivedAt.AddSeconds(version));

    protected static TimeEntry Entry(string tenant = "t1", string lead = "lead-1", DateTimeOffset? at = null, int minutes = 30, bool estimate = false, HelpKind kind = HelpKind.Teach) =>
        new(Guid.NewGuid(), tenant, lead, Guid.NewGuid(), minutes, kind, estimate, "sql", "req-1", at ?? T0, "note");

    protected static WorkItem Item(string tenant = "t1", DateTimeOffset? notBefore = null, string? dedup = null, DateTimeOffset? created = null) =>
        new(Guid.NewGuid(), tenant, "slack.post-thread-reply", "{\"channel\":\"C1\"}", 0, notBefore ?? T0, created ?? T0, dedup);

    // ----- factory -----

    [ContractFact]
    public void OpenAsync_Provider_IsReported()
    {
        Assert.Equal(ExpectedProvider, Storage.Provider);
    }

    [ContractFact]
    public async Task WarmUpAsync_TwiceWithTraffic_LeavesNothingBehindAndClaimsStillWork()
    {
        var warmUp = Assert.IsAssignableFrom<IStorageWarmUp>(Storage);

        await Task.WhenAll(warmUp.WarmUpAsync(CancellationToken.None), warmUp.WarmUpAsync(CancellationToken.None));

        Assert.Empty(await Storage.Digests.ListActiveTenantsAsync());
        Assert.Equal(0, (await Storage.Queue.GetStatsAsync()).Pending);
        // The warm-up's event claims were given back: the same kind of claim is won afterwards, and only once.
        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("t1", "Ev1", T0, T0.AddSeconds(30)));
        Assert.Equal(EventClaim.InProgress, await Storage.Events.TryClaimAsync("t1", "Ev1", T0, T0.AddSeconds(30)));
    }
}
