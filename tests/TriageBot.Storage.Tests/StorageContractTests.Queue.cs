using System.Collections.Concurrent;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public abstract partial class StorageContractTests
{
    [ContractFact]
    public async Task Queue_EnqueueClaimComplete_RoundTripsAndEmptiesThePendingSet()
    {
        var item = Item(dedup: "k1");
        Assert.True(await Storage.Queue.EnqueueAsync(item));

        var claimed = await Storage.Queue.ClaimAsync("w1", 10, T0, T0.AddMinutes(5));
        Assert.Equal([item], claimed);

        await Storage.Queue.CompleteAsync(item.Id);

        Assert.Equal(new Engine.Ports.QueueStats(0, null, 0), await Storage.Queue.GetStatsAsync());
        Assert.Empty(await Storage.Queue.ClaimAsync("w1", 10, T0.AddHours(1), T0.AddHours(2)));
    }

    [ContractFact]
    public async Task Queue_Purge_DeletesOnlyOldDoneAndDeadItemsAndFreesTheirDedupKeys()
    {
        var oldDone = Item(dedup: "evt-old");
        var oldDead = Item();
        var pending = Item(notBefore: T0.AddDays(30));
        foreach (var item in new[] { oldDone, oldDead, pending })
        {
            Assert.True(await Storage.Queue.EnqueueAsync(item));
        }

        await Storage.Queue.ClaimAsync("w1", 10, T0, T0.AddMinutes(5));
        await Storage.Queue.CompleteAsync(oldDone.Id);                          // updated at T0
        await Storage.Queue.FailAsync(oldDead.Id, "boom", T0, dead: true);        // updated at T0
        Time.Advance(TimeSpan.FromDays(10));
        var recentDone = Item(dedup: "evt-recent", created: Time.GetUtcNow(), notBefore: Time.GetUtcNow());
        Assert.True(await Storage.Queue.EnqueueAsync(recentDone));
        await Storage.Queue.ClaimAsync("w1", 10, Time.GetUtcNow(), Time.GetUtcNow().AddMinutes(5));
        await Storage.Queue.CompleteAsync(recentDone.Id);                       // updated at T0 + 10 days

        // Done before T0+7d and dead before T0+30d: only the old done item goes.
        Assert.Equal(1, await Storage.Queue.PurgeAsync(T0.AddDays(7), T0.AddDays(-20)));
        // Now the dead one too; the pending item and the recent done item are never touched.
        Assert.Equal(1, await Storage.Queue.PurgeAsync(T0.AddDays(7), T0.AddDays(1)));
        Assert.Equal(0, await Storage.Queue.PurgeAsync(T0.AddDays(7), T0.AddDays(1)));

        Assert.Equal(new Engine.Ports.QueueStats(1, T0, 0), await Storage.Queue.GetStatsAsync());
        Assert.True(await Storage.Queue.EnqueueAsync(Item(dedup: "evt-old")));      // the purged item's key is free again
        Assert.False(await Storage.Queue.EnqueueAsync(Item(dedup: "evt-recent")));  // the kept one's is not
    }

    [ContractFact]
    public async Task Queue_DedupKey_IsUniquePerTenant()
    {
        Assert.True(await Storage.Queue.EnqueueAsync(Item(dedup: "evt-1")));
        Assert.False(await Storage.Queue.EnqueueAsync(Item(dedup: "evt-1")));
        Assert.True(await Storage.Queue.EnqueueAsync(Item(tenant: "t2", dedup: "evt-1")));
        Assert.True(await Storage.Queue.EnqueueAsync(Item()));
        Assert.True(await Storage.Queue.EnqueueAsync(Item()));

        Assert.Equal(4, (await Storage.Queue.GetStatsAsync()).Pending);
    }

    [ContractFact]
    public async Task Queue_DedupKey_FreedWhenTheItemDies()
    {
        var item = Item(dedup: "to-requester:1");
        await Storage.Queue.EnqueueAsync(item);
        await Storage.Queue.ClaimAsync("w1", 1, T0, T0.AddMinutes(1));
        await Storage.Queue.FailAsync(item.Id, "not_in_channel", T0, dead: true);

        // Never delivered: sending it again is a new attempt, not a duplicate; the dead item stays for inspection.
        Assert.True(await Storage.Queue.EnqueueAsync(Item(dedup: "to-requester:1")));
        Assert.Equal(1, (await Storage.Queue.GetStatsAsync()).Dead);
    }

    [ContractFact]
    public async Task Queue_DedupKey_StaysTakenAfterCompletion()
    {
        var item = Item(dedup: "evt-9");
        await Storage.Queue.EnqueueAsync(item);
        await Storage.Queue.ClaimAsync("w1", 1, T0, T0.AddMinutes(1));
        await Storage.Queue.CompleteAsync(item.Id);

        Assert.False(await Storage.Queue.EnqueueAsync(Item(dedup: "evt-9")));
    }

    [ContractFact]
    public async Task Queue_Claim_RespectsNotBeforeMaxAndOrder()
    {
        var later = Item(notBefore: T0.AddMinutes(10));
        var first = Item(notBefore: T0.AddMinutes(-2));
        var second = Item(notBefore: T0.AddMinutes(-1));
        var third = Item(notBefore: T0);
        foreach (var i in new[] { later, third, second, first })
        {
            await Storage.Queue.EnqueueAsync(i);
        }

        var batch1 = await Storage.Queue.ClaimAsync("w1", 2, T0, T0.AddHours(1));
        var batch2 = await Storage.Queue.ClaimAsync("w1", 10, T0, T0.AddHours(1));
        var batch3 = await Storage.Queue.ClaimAsync("w1", 10, T0.AddMinutes(10), T0.AddMinutes(15));

        Assert.Equal([first.Id, second.Id], batch1.Select(i => i.Id));
        Assert.Equal([third.Id], batch2.Select(i => i.Id));
        Assert.Equal([later.Id], batch3.Select(i => i.Id));
    }

    [ContractFact]
    public async Task Queue_Lease_BlocksUntilExpiryThenIsClaimableAgain()
    {
        var item = Item();
        await Storage.Queue.EnqueueAsync(item);
        Assert.Single(await Storage.Queue.ClaimAsync("w1", 1, T0, T0.AddMinutes(5)));

        Assert.Empty(await Storage.Queue.ClaimAsync("w2", 1, T0.AddMinutes(4), T0.AddMinutes(9)));
        var reclaimed = await Storage.Queue.ClaimAsync("w2", 1, T0.AddMinutes(5), T0.AddMinutes(10));

        Assert.Equal([item.Id], reclaimed.Select(i => i.Id));
        Assert.Equal(0, reclaimed[0].Attempts);
    }

    [ContractFact]
    public async Task Queue_Fail_RetriesAtTimeThenDeadIsNeverClaimed()
    {
        var item = Item();
        await Storage.Queue.EnqueueAsync(item);
        await Storage.Queue.ClaimAsync("w1", 1, T0, T0.AddMinutes(5));

        await Storage.Queue.FailAsync(item.Id, "HTTP 500", T0.AddMinutes(2), dead: false);
        Assert.Empty(await Storage.Queue.ClaimAsync("w1", 1, T0.AddMinutes(1), T0.AddMinutes(6)));
        var retry = Assert.Single(await Storage.Queue.ClaimAsync("w1", 1, T0.AddMinutes(2), T0.AddMinutes(7)));
        Assert.Equal(1, retry.Attempts);
        Assert.Equal(T0.AddMinutes(2), retry.NotBefore);

        await Storage.Queue.FailAsync(item.Id, "HTTP 500 again", T0.AddMinutes(3), dead: true);

        Assert.Empty(await Storage.Queue.ClaimAsync("w1", 10, T0.AddDays(1), T0.AddDays(2)));
        Assert.Equal(new Engine.Ports.QueueStats(0, null, 1), await Storage.Queue.GetStatsAsync());
    }

    [ContractFact]
    public async Task Queue_Stats_CountPendingIncludingLeasedAndOldest()
    {
        await Storage.Queue.EnqueueAsync(Item(created: T0.AddMinutes(-3)));
        await Storage.Queue.EnqueueAsync(Item(created: T0.AddMinutes(-1), notBefore: T0.AddHours(1)));
        await Storage.Queue.ClaimAsync("w1", 1, T0, T0.AddMinutes(5));

        var stats = await Storage.Queue.GetStatsAsync();

        Assert.Equal(2, stats.Pending);
        Assert.Equal(T0.AddMinutes(-3), stats.OldestPendingAt);
        Assert.Equal(0, stats.Dead);
    }

    [ContractFact]
    public async Task Queue_ParallelClaimers_NeverGetTheSameItem()
    {
        const int items = 60;
        for (var i = 0; i < items; i++)
        {
            await Storage.Queue.EnqueueAsync(Item(created: T0.AddSeconds(i)));
        }

        var claimers = await OpenManyAsync(6);
        var seen = new ConcurrentBag<Guid>();
        await Task.WhenAll(claimers.Select((s, n) => Task.Run(async () =>
        {
            while (true)
            {
                var batch = await s.Queue.ClaimAsync($"w{n}", 3, T0, T0.AddMinutes(5));
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var item in batch)
                {
                    seen.Add(item.Id);
                }
            }
        })));

        Assert.Equal(items, seen.Count);
        Assert.Equal(items, seen.Distinct().Count());
    }
    [ContractFact]
    public async Task Queue_ClaimAfterLostLease_ReportsThePreviousClaim()
    {
        var item = Item();
        await Storage.Queue.EnqueueAsync(item);
        var first = await Storage.Queue.ClaimAsync("w1", 1, T0, T0.AddSeconds(15));

        // w1 died: its lease runs out without an outcome, so the next run must know the send may already have happened.
        var second = await Storage.Queue.ClaimAsync("w2", 1, T0.AddSeconds(15), T0.AddSeconds(30));

        Assert.Equal(0, first[0].PreviousClaims);
        Assert.False(first[0].MayHaveRunBefore);
        Assert.Equal(1, second[0].PreviousClaims);
        Assert.True(second[0].MayHaveRunBefore);
        Assert.Equal(0, second[0].Attempts);
    }

    [ContractFact]
    public async Task Queue_ClaimAfterFailure_CountsBothClaims()
    {
        var item = Item();
        await Storage.Queue.EnqueueAsync(item);
        await Storage.Queue.ClaimAsync("w1", 1, T0, T0.AddSeconds(15));
        await Storage.Queue.FailAsync(item.Id, "boom", T0.AddSeconds(1), dead: false);

        var retried = await Storage.Queue.ClaimAsync("w1", 1, T0.AddSeconds(1), T0.AddSeconds(16));

        Assert.Equal(1, retried[0].PreviousClaims);
        Assert.Equal(1, retried[0].Attempts);
    }

    [ContractFact]
    public async Task Queue_Renew_ExtendsOnlyTheOwnersLiveLeases()
    {
        var mine = Item(created: T0.AddSeconds(-2));
        var theirs = Item(created: T0.AddSeconds(-1));
        var done = Item(created: T0);
        foreach (var item in new[] { mine, theirs, done })
        {
            await Storage.Queue.EnqueueAsync(item);
        }

        await Storage.Queue.ClaimAsync("w1", 1, T0, T0.AddSeconds(15));
        await Storage.Queue.ClaimAsync("w2", 1, T0, T0.AddSeconds(15));
        await Storage.Queue.ClaimAsync("w1", 1, T0, T0.AddSeconds(15));
        await Storage.Queue.CompleteAsync(done.Id);

        var renewed = await Storage.Queue.RenewAsync("w1", [mine.Id, theirs.Id, done.Id], T0.AddSeconds(40));

        Assert.Equal(1, renewed);
        // At T0+20 w2's lease has run out and w1's renewed one has not: only w2's item is claimable.
        var claimable = await Storage.Queue.ClaimAsync("w3", 10, T0.AddSeconds(20), T0.AddSeconds(100));
        Assert.Equal([theirs.Id], claimable.Select(i => i.Id));
        Assert.Equal([mine.Id], (await Storage.Queue.ClaimAsync("w3", 10, T0.AddSeconds(40), T0.AddSeconds(55))).Select(i => i.Id));
    }

    [ContractFact]
    public async Task Queue_Renew_ManyIds_RenewsEachOnce()
    {
        var items = Enumerable.Range(0, 150).Select(i => Item(created: T0.AddMilliseconds(i))).ToList();
        foreach (var item in items)
        {
            await Storage.Queue.EnqueueAsync(item);
        }

        await Storage.Queue.ClaimAsync("w1", 200, T0, T0.AddSeconds(15));

        var ids = items.Select(i => i.Id).Append(items[0].Id).ToList();
        Assert.Equal(150, await Storage.Queue.RenewAsync("w1", ids, T0.AddSeconds(30)));
        Assert.Equal(0, await Storage.Queue.RenewAsync("w1", [], T0.AddSeconds(30)));
        Assert.Empty(await Storage.Queue.ClaimAsync("w2", 200, T0.AddSeconds(20), T0.AddSeconds(35)));
    }

    [ContractFact]
    public async Task Queue_Release_MakesTheOwnersItemsClaimableAtOnceAsUnknownOutcomes()
    {
        var mine = Item(created: T0.AddSeconds(-1));
        var theirs = Item(created: T0);
        await Storage.Queue.EnqueueAsync(mine);
        await Storage.Queue.EnqueueAsync(theirs);
        await Storage.Queue.ClaimAsync("host-a", 1, T0, T0.AddSeconds(15));
        await Storage.Queue.ClaimAsync("host-b", 1, T0, T0.AddSeconds(15));

        // host-a restarted (same identity) one second later.
        Assert.Equal(1, await Storage.Queue.ReleaseAsync("host-a", T0.AddSeconds(1)));
        Assert.Equal(0, await Storage.Queue.ReleaseAsync("host-a", T0.AddSeconds(1)));

        var reclaimed = await Storage.Queue.ClaimAsync("host-a", 10, T0.AddSeconds(1), T0.AddSeconds(16));
        Assert.Equal([mine.Id], reclaimed.Select(i => i.Id));
        Assert.True(reclaimed[0].MayHaveRunBefore);
    }
}
