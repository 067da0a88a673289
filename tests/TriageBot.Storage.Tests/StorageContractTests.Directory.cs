using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public abstract partial class StorageContractTests
{
    [ContractFact]
    public async Task Events_TryMarkProcessed_TrueOnceThenFalse()
    {
        Assert.True(await Storage.Events.TryMarkProcessedAsync("t1", "Ev1", T0));
        Assert.False(await Storage.Events.TryMarkProcessedAsync("t1", "Ev1", T0.AddSeconds(1)));
        Assert.True(await Storage.Events.TryMarkProcessedAsync("t2", "Ev1", T0));
        Assert.True(await Storage.Events.TryMarkProcessedAsync("t1", "Ev2", T0));
    }

    [ContractFact]
    public async Task Events_ParallelDuplicates_ExactlyOneTrue()
    {
        var stores = await OpenManyAsync(8);

        var results = await Task.WhenAll(stores.SelectMany(s => Enumerable.Range(0, 3).Select(_ =>
            Task.Run(() => s.Events.TryMarkProcessedAsync("t1", "Ev-race", T0)))));

        Assert.Equal(1, results.Count(r => r));
    }

    [ContractFact]
    public async Task Events_TryClaim_ClaimedThenInProgressThenDoneAfterComplete()
    {
        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("t1", "Ev1", T0, T0.AddSeconds(30)));
        Assert.Equal(EventClaim.InProgress, await Storage.Events.TryClaimAsync("t1", "Ev1", T0.AddSeconds(5), T0.AddSeconds(35)));
        Assert.False(await Storage.Events.TryMarkProcessedAsync("t1", "Ev1", T0.AddSeconds(5)));
        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("t2", "Ev1", T0, T0.AddSeconds(30)));

        await Storage.Events.CompleteAsync("t1", "Ev1", T0.AddSeconds(30), T0.AddSeconds(6));

        Assert.Equal(EventClaim.Done, await Storage.Events.TryClaimAsync("t1", "Ev1", T0.AddMinutes(10), T0.AddMinutes(11)));
        await Storage.Events.ReleaseAsync("t1", "Ev1", T0.AddSeconds(30)); // a done event is never released
        Assert.Equal(EventClaim.Done, await Storage.Events.TryClaimAsync("t1", "Ev1", T0.AddMinutes(10), T0.AddMinutes(11)));
    }

    [ContractFact]
    public async Task Events_TryClaim_ExpiredLeaseTakenOverAndReleasedClaimReclaimed()
    {
        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("t1", "died", T0, T0.AddSeconds(30)));
        // Its process died: once the lease has run out, the next delivery takes the event over.
        Assert.Equal(EventClaim.InProgress, await Storage.Events.TryClaimAsync("t1", "died", T0.AddSeconds(29), T0.AddSeconds(59)));
        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("t1", "died", T0.AddSeconds(30), T0.AddSeconds(60)));

        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("t1", "failed", T0, T0.AddSeconds(30)));
        await Storage.Events.ReleaseAsync("t1", "failed", T0.AddSeconds(30));
        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("t1", "failed", T0.AddSeconds(1), T0.AddSeconds(31)));
    }

    [ContractFact]
    public async Task Events_LateCompleteOrRelease_LeavesTheTakeoverAlone()
    {
        // A's lease ran out while it was still working; B took the event over.
        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("t1", "slow", T0, T0.AddSeconds(30)));
        Assert.Equal(EventClaim.Claimed, await Storage.Events.TryClaimAsync("t1", "slow", T0.AddSeconds(60), T0.AddSeconds(90)));

        // A finally fails and releases, or finishes and completes: neither touches B's claim.
        await Storage.Events.ReleaseAsync("t1", "slow", T0.AddSeconds(30));
        Assert.Equal(EventClaim.InProgress, await Storage.Events.TryClaimAsync("t1", "slow", T0.AddSeconds(61), T0.AddSeconds(91)));
        await Storage.Events.CompleteAsync("t1", "slow", T0.AddSeconds(30), T0.AddSeconds(62));
        Assert.Equal(EventClaim.InProgress, await Storage.Events.TryClaimAsync("t1", "slow", T0.AddSeconds(62), T0.AddSeconds(92)));

        await Storage.Events.CompleteAsync("t1", "slow", T0.AddSeconds(90), T0.AddSeconds(63));
        Assert.Equal(EventClaim.Done, await Storage.Events.TryClaimAsync("t1", "slow", T0.AddSeconds(200), T0.AddSeconds(230)));
    }

    [ContractFact]
    public async Task Events_ParallelClaims_ExactlyOneClaimed()
    {
        var stores = await OpenManyAsync(8);

        var results = await Task.WhenAll(stores.SelectMany(s => Enumerable.Range(0, 3).Select(_ =>
            Task.Run(() => s.Events.TryClaimAsync("t1", "Ev-claim-race", T0, T0.AddSeconds(30))))));

        Assert.Equal(1, results.Count(r => r == EventClaim.Claimed));
        Assert.All(results.Where(r => r != EventClaim.Claimed), r => Assert.Equal(EventClaim.InProgress, r));
    }

    [ContractFact]
    public async Task Events_PurgeMoreThanOneChunk_DeletesThemAll()
    {
        var count = Internal.Retention.ChunkSize * 2 + 500;
        // A few at a time: thousands at once waited on the pool (20) past its timeout on a loaded CI machine.
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => await Storage.Events.TryMarkProcessedAsync("t1", "bulk-" + i, T0.AddDays(-10), ct));
        await Storage.Events.TryMarkProcessedAsync("t1", "recent", T0);

        Assert.Equal(count, await Storage.Events.PurgeAsync(T0.AddDays(-1)));
        Assert.False(await Storage.Events.TryMarkProcessedAsync("t1", "recent", T0));
    }

    [ContractFact]
    public async Task Events_Purge_ForgetsOnlyOlderIds()
    {
        await Storage.Events.TryMarkProcessedAsync("t1", "old", T0.AddDays(-3));
        await Storage.Events.TryMarkProcessedAsync("t2", "old", T0.AddDays(-2));
        await Storage.Events.TryMarkProcessedAsync("t1", "new", T0);

        Assert.Equal(2, await Storage.Events.PurgeAsync(T0.AddDays(-1)));

        Assert.True(await Storage.Events.TryMarkProcessedAsync("t1", "old", T0));
        Assert.False(await Storage.Events.TryMarkProcessedAsync("t1", "new", T0));
    }

    [ContractFact]
    public async Task Installations_SaveGetReplaceDeleteList()
    {
        var slack = new Installation("slack:T1", Platform.Slack, "UBOT", "enc:v1:abc", "U1", T0, "{\"scopes\":[\"chat:write\"]}");
        var teams = new Installation("teams:tid", Platform.Teams, null, null, null, T0.AddDays(1), null);
        await Storage.Installations.SaveAsync(slack);
        await Storage.Installations.SaveAsync(teams);

        Assert.Equal(slack, await Storage.Installations.GetAsync("slack:T1"));
        Assert.Equal([slack, teams], await Storage.Installations.ListAsync());

        var replaced = slack with { ProtectedToken = "enc:v1:new", InstalledAt = T0.AddDays(2) };
        await Storage.Installations.SaveAsync(replaced);
        Assert.Equal(replaced, await Storage.Installations.GetAsync("slack:T1"));

        await Storage.Installations.DeleteAsync("slack:T1");
        Assert.Null(await Storage.Installations.GetAsync("slack:T1"));
        Assert.Equal([teams], await Storage.Installations.ListAsync());
    }

    [ContractFact]
    public async Task Conversations_SaveFindBlockAndResave()
    {
        var older = new ConversationReference("teams:tid", "29:aaa", "ana", "{\"serviceUrl\":\"https://smba.example/\"}", false, T0);
        var newer = new ConversationReference("teams:tid", "29:bbb", "ana", "{\"v\":2}", false, T0.AddHours(1));
        await Storage.Conversations.SaveAsync(older);
        await Storage.Conversations.SaveAsync(newer);

        Assert.Equal(older, await Storage.Conversations.GetAsync("teams:tid", "29:aaa"));
        Assert.Equal(newer, await Storage.Conversations.FindByPersonAsync("teams:tid", "ana"));
        Assert.Null(await Storage.Conversations.FindByPersonAsync("teams:tid", "bob"));

        await Storage.Conversations.MarkBlockedAsync("teams:tid", "29:aaa", T0.AddHours(2));
        var blocked = await Storage.Conversations.GetAsync("teams:tid", "29:aaa");
        Assert.True(blocked!.Blocked);
        Assert.Equal(T0.AddHours(2), blocked.UpdatedAt);

        await Storage.Conversations.SaveAsync(older with { Blocked = true, UpdatedAt = T0.AddHours(3) });
        Assert.False((await Storage.Conversations.GetAsync("teams:tid", "29:aaa"))!.Blocked);
    }

    [ContractFact]
    public async Task LeadSettings_SaveGetReplace_RoundTripsNullsAndValues()
    {
        Assert.Null(await Storage.LeadSettings.GetAsync("t1", "ana"));
        var full = new LeadSettings("t1", "ana", 5.5, DayOfWeek.Thursday, new TimeOnly(16, 30, 15, 123), "America/Sao_Paulo");
        await Storage.LeadSettings.SaveAsync(full);
        Assert.Equal(full, await Storage.LeadSettings.GetAsync("t1", "ana"));

        var cleared = new LeadSettings("t1", "ana", null, null, null, null);
        await Storage.LeadSettings.SaveAsync(cleared);
        Assert.Equal(cleared, await Storage.LeadSettings.GetAsync("t1", "ana"));
    }

    [ContractFact]
    public async Task TenantIsolation_RowsOfTenantAAreInvisibleFromB()
    {
        var request = Request(tenant: "A");
        await Storage.Requests.AddAsync(request, DecisionFor(request));
        await Storage.Requests.UpdateStatusAsync("A", request.Id, RequestStatus.Redirected, OwnerType.Person, "bob", T0);
        await Storage.Ledger.AddAsync(Entry(tenant: "A"));
        await Storage.Events.TryMarkProcessedAsync("A", "Ev1", T0);
        await Storage.Queue.EnqueueAsync(Item(tenant: "A", dedup: "k"));
        await Storage.Installations.SaveAsync(new Installation("A", Platform.Slack, "U", "tok", "U1", T0, null));
        await Storage.Conversations.SaveAsync(new ConversationReference("A", "u1", "ana", "{}", false, T0));
        await Storage.LeadSettings.SaveAsync(new LeadSettings("A", "lead-1", 3, null, null, null));
        Assert.True(await Storage.Digests.TryClaimAsync("A", "lead-1", "2026-W48", "w1", T0, T0.AddMinutes(5)));

        Assert.Null(await Storage.Requests.GetAsync("B", request.Id));
        Assert.Null(await Storage.Requests.GetLatestDecisionAsync("B", request.Id));
        Assert.Empty(await Storage.Requests.GetDecisionsAsync("B", request.Id));
        Assert.Empty(await Storage.Requests.ListForLeadAsync("B", "lead-1", T0.AddDays(-1), T0.AddDays(1)));
        Assert.Empty(await Storage.Requests.ListByStatusAsync("B", "lead-1", RequestStatus.Redirected, 10));
        Assert.Equal(0, await Storage.Requests.CountTopicForLeadAsync("B", "lead-1", "sql", T0.AddDays(-1), T0.AddDays(1), 100));
        Assert.Empty(await Storage.Requests.CountRedirectsByOwnerAsync("B", T0.AddDays(-1)));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Requests.UpdateStatusAsync("B", request.Id, RequestStatus.Done, null, null, T0));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Requests.AddDecisionAsync("B", DecisionFor(request, 2)));
        Assert.Equal(RequestStatus.Redirected, (await Storage.Requests.GetAsync("A", request.Id))!.Status);
        Assert.Empty(await Storage.Ledger.ListForLeadAsync("B", "lead-1", T0.AddDays(-1), T0.AddDays(1)));
        Assert.Empty(await Storage.Ledger.LoggedMinutesByLeadAsync("B", T0.AddDays(-1), T0.AddDays(1)));
        Assert.True(await Storage.Events.TryMarkProcessedAsync("B", "Ev1", T0));
        Assert.True(await Storage.Queue.EnqueueAsync(Item(tenant: "B", dedup: "k")));
        Assert.Null(await Storage.Installations.GetAsync("B"));
        Assert.Null(await Storage.Conversations.GetAsync("B", "u1"));
        Assert.Null(await Storage.Conversations.FindByPersonAsync("B", "ana"));
        Assert.Null(await Storage.LeadSettings.GetAsync("B", "lead-1"));
        Assert.Null(await Storage.Digests.GetStatusAsync("B", "lead-1", "2026-W48"));
        Assert.True(await Storage.Digests.TryClaimAsync("B", "lead-1", "2026-W48", "w1", T0, T0.AddMinutes(5)));
    }
}
