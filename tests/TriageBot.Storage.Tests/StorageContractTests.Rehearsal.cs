using TriageBot.Engine.Ports;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public abstract partial class StorageContractTests
{
    /// <summary>True for providers that can roll a rehearsal back (PostgreSQL); SQLite's single writer cannot.</summary>
    protected abstract bool CanRehearse { get; }

    [ContractFact]
    public async Task RehearseAsync_RequestQueueAndClaim_SeenInsideAndGoneAfter()
    {
        var rehearsal = Assert.IsAssignableFrom<IStorageRehearsal>(Storage);
        var request = Request(tenant: "warmup:test");
        var item = Item(tenant: "warmup:test", dedup: "evt:warmup");
        var seenInside = false;

        var ran = await rehearsal.RehearseAsync(async ct =>
        {
            Assert.True(rehearsal.IsRehearsing);
            await Storage.Requests.AddAsync(request, DecisionFor(request), ct);
            Assert.True(await Storage.Queue.EnqueueAsync(item, ct));
            Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("warmup:test", "Ev1", T0, T0.AddSeconds(30), ct));
            // Reads inside see the rehearsal's own writes, also when two run at once (they take turns on its connection).
            var reads = await Task.WhenAll(Storage.Requests.GetAsync("warmup:test", request.Id, ct), Storage.Requests.GetAsync("warmup:test", request.Id, ct));
            var claimed = await Storage.Queue.ClaimAsync("rehearsal", 10, T0, T0.AddMinutes(1), ct);
            await Storage.Queue.CompleteAsync(item.Id, ct);
            seenInside = reads.All(r => r?.Id == request.Id) && claimed.Any(c => c.Id == item.Id);
        }, CancellationToken.None);

        Assert.Equal(CanRehearse, ran);
        Assert.Equal(CanRehearse, seenInside);
        Assert.False(rehearsal.IsRehearsing);
        // Nothing stayed: no request, no queued or done item (its dedup key is free), the event never claimed.
        Assert.Null(await Storage.Requests.GetAsync("warmup:test", request.Id));
        Assert.Empty(await Storage.Digests.ListActiveTenantsAsync());
        Assert.Equal(0, (await Storage.Queue.GetStatsAsync()).Pending);
        Assert.True(await Storage.Queue.EnqueueAsync(Item(tenant: "warmup:test", dedup: "evt:warmup")));
        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("warmup:test", "Ev1", T0, T0.AddSeconds(30)));
    }

    [ContractFact]
    public async Task RehearseAsync_WriteFailsInside_OnlyThatWriteIsUndoneAndTheRestStillRollsBack()
    {
        var rehearsal = Assert.IsAssignableFrom<IStorageRehearsal>(Storage);
        var request = Request(tenant: "warmup:test");
        Exception? failure = null;
        var afterFailure = false;

        await rehearsal.RehearseAsync(async ct =>
        {
            await Storage.Requests.AddAsync(request, DecisionFor(request), ct);
            // The same request again is refused by the store; the rehearsal's transaction must survive it.
            failure = await Record.ExceptionAsync(() => Storage.Requests.AddAsync(request, DecisionFor(request), ct));
            afterFailure = await Storage.Requests.GetAsync("warmup:test", request.Id, ct) is not null;
        }, CancellationToken.None);

        if (CanRehearse)
        {
            Assert.NotNull(failure);
            Assert.True(afterFailure);
        }

        Assert.Null(await Storage.Requests.GetAsync("warmup:test", request.Id));
    }

    [ContractFact]
    public async Task RehearseAsync_WorkOutlivesTheRehearsal_LaterCallsUseThePool()
    {
        var rehearsal = Assert.IsAssignableFrom<IStorageRehearsal>(Storage);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<RequestRecord?>? late = null;
        var request = Request(tenant: "t1");

        var ran = await rehearsal.RehearseAsync(ct =>
        {
            // Started inside (so the flow carries the rehearsal) and finishing after it ended.
            late = Task.Run(async () =>
            {
                await release.Task;
                await Storage.Requests.AddAsync(request, DecisionFor(request));
                return await Storage.Requests.GetAsync("t1", request.Id);
            });
            return Task.CompletedTask;
        }, CancellationToken.None);
        release.SetResult();

        Assert.Equal(CanRehearse, ran);
        if (!CanRehearse)
        {
            Assert.Null(late); // SQLite does not run a rehearsal at all
            return;
        }

        Assert.NotNull(late);
        Assert.Equal(request.Id, (await late!)?.Id);
        Assert.Equal(request.Id, (await Storage.Requests.GetAsync("t1", request.Id))?.Id); // committed: it was not part of the rehearsal
    }
}
