using TriageBot.Engine.Ports;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public abstract partial class StorageContractTests
{
    [ContractFact]
    public async Task Ledger_AddThenList_RoundTripsInRangeOldestFirst()
    {
        var late = Entry(at: T0.AddDays(2)) with { RequestId = null, TopicId = null, RequesterId = null, Note = null };
        var early = Entry(at: T0, estimate: true, kind: HelpKind.Review);
        var outside = Entry(at: T0.AddDays(7));
        var otherLead = Entry(lead: "lead-2");
        foreach (var e in new[] { late, early, outside, otherLead })
        {
            await Storage.Ledger.AddAsync(e);
        }

        var list = await Storage.Ledger.ListForLeadAsync("t1", "lead-1", T0, T0.AddDays(7));

        Assert.Equal([early, late], list);
    }

    [ContractFact]
    public async Task Ledger_SameIdTwiceAtOnce_OneStoredOtherGetsTheEngineConflict()
    {
        // Two Takes of one request race with the same estimate id: exactly one row, and the loser sees the conflict type
        // the engine catches (whether the two land in one batch or not).
        var entry = Entry();
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                await Storage.Ledger.AddAsync(entry);
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }));

        Assert.Single(results, r => r is null);
        Assert.IsAssignableFrom<StoreConflictException>(Assert.Single(results, r => r is not null));
        Assert.Single(await Storage.Ledger.ListForLeadAsync("t1", "lead-1", T0.AddDays(-1), T0.AddDays(1)));
    }

    [ContractFact]
    public async Task Ledger_LoggedMinutesByLead_SumsLoggedOnlyInRange()
    {
        await Storage.Ledger.AddAsync(Entry(minutes: 30));
        await Storage.Ledger.AddAsync(Entry(minutes: 45, at: T0.AddDays(1)));
        await Storage.Ledger.AddAsync(Entry(minutes: 60, estimate: true));
        await Storage.Ledger.AddAsync(Entry(minutes: 90, at: T0.AddDays(-1)));
        await Storage.Ledger.AddAsync(Entry(lead: "lead-2", minutes: 15));

        var minutes = await Storage.Ledger.LoggedMinutesByLeadAsync("t1", T0, T0.AddDays(7));

        Assert.Equal(2, minutes.Count);
        Assert.Equal(75, minutes["lead-1"]);
        Assert.Equal(15, minutes["lead-2"]);
    }

    [ContractFact]
    public async Task Ledger_AddNonPositiveMinutes_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Storage.Ledger.AddAsync(Entry(minutes: 0)));
        Assert.Empty(await Storage.Ledger.ListForLeadAsync("t1", "lead-1", T0.AddDays(-1), T0.AddDays(1)));
    }

    [ContractFact]
    public async Task Ledger_ListTenantsForLead_TenantsWithAnEntryOfThatLeadInOrdinalOrder()
    {
        await Storage.Ledger.AddAsync(Entry(tenant: "slack:T2"));
        await Storage.Ledger.AddAsync(Entry(tenant: "slack:T2", estimate: true));
        await Storage.Ledger.AddAsync(Entry(tenant: "Teams:x", estimate: true));
        await Storage.Ledger.AddAsync(Entry(tenant: "local"));
        await Storage.Ledger.AddAsync(Entry(tenant: "other", lead: "lead-2"));
        var request = Request(tenant: "requests-only");
        await Storage.Requests.AddAsync(request, DecisionFor(request));

        Assert.Equal(["Teams:x", "local", "slack:T2"], await Storage.Ledger.ListTenantsForLeadAsync("lead-1"));
        Assert.Equal(["other"], await Storage.Ledger.ListTenantsForLeadAsync("lead-2"));
        Assert.Empty(await Storage.Ledger.ListTenantsForLeadAsync("nobody"));
    }

    [ContractFact]
    public async Task Timestamps_WithOffsets_AreStoredAsUtcInstantsToTheMicrosecond()
    {
        var local = new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567); // 09:00:00.1234567Z
        var entry = Entry(at: local);
        await Storage.Ledger.AddAsync(entry);

        var stored = Assert.Single(await Storage.Ledger.ListForLeadAsync("t1", "lead-1", T0, T0.AddHours(1)));

        Assert.Equal(TimeSpan.Zero, stored.At.Offset);
        Assert.Equal(local.UtcTicks - 7, stored.At.UtcTicks); // truncated to whole microseconds on both providers
    }
}
