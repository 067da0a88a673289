using TriageBot.Engine.Ports;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public abstract partial class StorageContractTests
{
    private const string Week = "2026-W48";

    [ContractFact]
    public async Task Digests_Claim_OnlyOnceWhileLeaseIsLive()
    {
        Assert.Null(await Storage.Digests.GetStatusAsync("t1", "lead-1", Week));

        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w1", T0, T0.AddMinutes(5)));
        Assert.False(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w2", T0.AddMinutes(4), T0.AddMinutes(9)));
        Assert.False(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w1", T0.AddMinutes(1), T0.AddMinutes(9)));
        Assert.Equal(DigestDeliveryStatus.Claimed, await Storage.Digests.GetStatusAsync("t1", "lead-1", Week));
        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-2", Week, "w2", T0, T0.AddMinutes(5)));
        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-1", "2026-W49", "w2", T0, T0.AddMinutes(5)));
    }

    [ContractFact]
    public async Task Digests_ExpiredClaim_CanBeClaimedAgain()
    {
        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w1", T0, T0.AddMinutes(5)));

        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w2", T0.AddMinutes(5), T0.AddMinutes(10)));
        Assert.False(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w3", T0.AddMinutes(6), T0.AddMinutes(11)));
    }

    [ContractFact]
    public async Task Digests_SentAndSkipped_AreNeverClaimedAgain()
    {
        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w1", T0, T0.AddMinutes(5)));
        await Storage.Digests.CompleteAsync("t1", "lead-1", Week, DigestDeliveryStatus.Sent, null, T0.AddMinutes(1));
        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-2", Week, "w1", T0, T0.AddMinutes(5)));
        await Storage.Digests.CompleteAsync("t1", "lead-2", Week, DigestDeliveryStatus.Skipped, "user blocked the bot", T0.AddMinutes(1));

        Assert.False(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w2", T0.AddDays(3), T0.AddDays(4)));
        Assert.False(await Storage.Digests.TryClaimAsync("t1", "lead-2", Week, "w2", T0.AddDays(3), T0.AddDays(4)));
        Assert.Equal(DigestDeliveryStatus.Sent, await Storage.Digests.GetStatusAsync("t1", "lead-1", Week));
        Assert.Equal(DigestDeliveryStatus.Skipped, await Storage.Digests.GetStatusAsync("t1", "lead-2", Week));
    }

    [ContractFact]
    public async Task Digests_Failed_CanBeClaimedAgain()
    {
        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w1", T0, T0.AddMinutes(5)));
        await Storage.Digests.CompleteAsync("t1", "lead-1", Week, DigestDeliveryStatus.Failed, "HTTP 503", T0.AddMinutes(1));
        Assert.Equal(DigestDeliveryStatus.Failed, await Storage.Digests.GetStatusAsync("t1", "lead-1", Week));

        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "w2", T0.AddMinutes(2), T0.AddMinutes(7)));
        Assert.Equal(DigestDeliveryStatus.Claimed, await Storage.Digests.GetStatusAsync("t1", "lead-1", Week));
    }

    [ContractFact]
    public async Task Digests_CompleteWithClaimed_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Storage.Digests.CompleteAsync("t1", "lead-1", Week, DigestDeliveryStatus.Claimed, null, T0));
    }

    [ContractFact]
    public async Task Digests_ParallelClaimersOnSeparateInstances_ExactlyOneWins()
    {
        var stores = await OpenManyAsync(8);

        var results = await Task.WhenAll(stores.Select((s, n) =>
            Task.Run(() => s.Digests.TryClaimAsync("t1", "lead-1", Week, $"w{n}", T0, T0.AddMinutes(5)))));

        Assert.Equal(1, results.Count(r => r));
    }

    [ContractFact]
    public async Task Digests_ParallelReclaimOfExpiredClaim_ExactlyOneWins()
    {
        Assert.True(await Storage.Digests.TryClaimAsync("t1", "lead-1", Week, "crashed", T0, T0.AddMinutes(5)));
        var stores = await OpenManyAsync(6);
        var later = T0.AddMinutes(30);

        var results = await Task.WhenAll(stores.Select((s, n) =>
            Task.Run(() => s.Digests.TryClaimAsync("t1", "lead-1", Week, $"w{n}", later, later.AddMinutes(5)))));

        Assert.Equal(1, results.Count(r => r));
    }

    [ContractFact]
    public async Task Digests_ListActiveTenants_DistinctAcrossRequestsTimeAndInstallations()
    {
        Assert.Empty(await Storage.Digests.ListActiveTenantsAsync());
        var r1 = Request(tenant: "slack:T1");
        var r2 = Request(tenant: "slack:T1");
        await Storage.Requests.AddAsync(r1, DecisionFor(r1));
        await Storage.Requests.AddAsync(r2, DecisionFor(r2));
        await Storage.Ledger.AddAsync(Entry(tenant: "local"));
        await Storage.Ledger.AddAsync(Entry(tenant: "slack:T1"));
        await Storage.Installations.SaveAsync(new Installation("teams:x", Platform.Teams, null, null, null, T0, null));
        await Storage.Events.TryMarkProcessedAsync("slack:ignored", "e", T0);

        Assert.Equal(["local", "slack:T1", "teams:x"], await Storage.Digests.ListActiveTenantsAsync());
    }
}
