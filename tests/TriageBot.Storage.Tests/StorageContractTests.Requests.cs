using System.Text.Json;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public abstract partial class StorageContractTests
{
    private static readonly JsonSerializerOptions CompareJson = new() { WriteIndented = false };

    /// <summary>Structural equality of a decision graph (records holding lists compare lists by reference, so compare the full JSON).</summary>
    private static void AssertSameDecision(Decision expected, Decision actual)
    {
        Assert.Equal(JsonSerializer.Serialize(expected, CompareJson), JsonSerializer.Serialize(actual, CompareJson));
    }

    [ContractFact]
    public async Task Requests_AddThenGet_RoundTripsEveryField()
    {
        var request = Request() with { MessageLink = null, OwnerType = OwnerType.Team, OwnerId = "data-platform", Status = RequestStatus.Redirected };
        await Storage.Requests.AddAsync(request, DecisionFor(request));

        var stored = await Storage.Requests.GetAsync("t1", request.Id);

        Assert.Equal(request, stored);
    }

    [ContractFact]
    public async Task Requests_GetUnknown_ReturnsNull()
    {
        Assert.Null(await Storage.Requests.GetAsync("t1", Guid.NewGuid()));
        Assert.Null(await Storage.Requests.GetLatestDecisionAsync("t1", Guid.NewGuid()));
        Assert.Empty(await Storage.Requests.GetDecisionsAsync("t1", Guid.NewGuid()));
    }

    [ContractFact]
    public async Task Requests_DecisionJson_RoundTripsTheWholeGraph()
    {
        var request = Request();
        var overrides = new Dictionary<Question, AnswerValue> { [Question.Team] = AnswerValue.Yes, [Question.Horizon] = AnswerValue.Short };
        var record = DecisionFor(request, decision: SampleDecision(DecisionOutcome.Take), overrides: overrides);
        await Storage.Requests.AddAsync(request, record);

        var stored = await Storage.Requests.GetLatestDecisionAsync("t1", request.Id);

        Assert.NotNull(stored);
        AssertSameDecision(record.Decision, stored.Decision);
        Assert.Equal(record.RequestId, stored.RequestId);
        Assert.Equal(1, stored.Version);
        Assert.Equal(record.CreatedAt, stored.CreatedAt);
        Assert.Equal(overrides.OrderBy(kv => kv.Key), stored.Overrides.OrderBy(kv => kv.Key));
        Assert.Equal(0.1 + 0.2, stored.Decision.Analysis.Topics[0].Score); // exact double
        Assert.Equal(HelpMode.Teach, stored.Decision.Mode);
        Assert.Equal("sql", stored.Decision.Analysis.TopTopic?.TopicId);
        Assert.True(stored.Decision.AnswerTo(Question.Team).Overridden);
    }

    [ContractFact]
    public async Task Requests_DecisionJson_StoresEnumsAsNames()
    {
        var request = Request();
        await Storage.Requests.AddAsync(request, DecisionFor(request));

        var json = Internal.DecisionJson.Serialize(SampleDecision());

        Assert.Contains("\"Redirect\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Learn\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("topTopic", json, StringComparison.OrdinalIgnoreCase);
    }

    [ContractFact]
    public async Task Requests_AddDuplicateId_ThrowsConflictAndKeepsFirst()
    {
        var request = Request();
        await Storage.Requests.AddAsync(request, DecisionFor(request));

        await Assert.ThrowsAsync<StorageConflictException>(() =>
            Storage.Requests.AddAsync(request with { Text = "other" }, DecisionFor(request)));

        Assert.Equal(request.Text, (await Storage.Requests.GetAsync("t1", request.Id))!.Text);
    }

    [ContractFact]
    public async Task Requests_AddWithBadDecision_ThrowsAndStoresNothing()
    {
        var request = Request();

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Requests.AddAsync(request, DecisionFor(request, version: 2)));
        await Assert.ThrowsAsync<ArgumentException>(() => Storage.Requests.AddAsync(request, DecisionFor(Request())));

        Assert.Null(await Storage.Requests.GetAsync("t1", request.Id));
    }

    [ContractFact]
    public async Task Requests_AddDecision_KeepsAllVersionsOldestFirst()
    {
        var request = Request();
        await Storage.Requests.AddAsync(request, DecisionFor(request));
        var overrides = new Dictionary<Question, AnswerValue> { [Question.Skill] = AnswerValue.No };
        await Storage.Requests.AddDecisionAsync("t1", DecisionFor(request, 2, SampleDecision(DecisionOutcome.Take), overrides));
        await Storage.Requests.AddDecisionAsync("t1", DecisionFor(request, 3, SampleDecision(DecisionOutcome.Clarify)));

        var all = await Storage.Requests.GetDecisionsAsync("t1", request.Id);
        var latest = await Storage.Requests.GetLatestDecisionAsync("t1", request.Id);

        Assert.Equal([1, 2, 3], all.Select(d => d.Version));
        Assert.Equal(DecisionOutcome.Take, all[1].Decision.Outcome);
        Assert.Equal(AnswerValue.No, all[1].Overrides[Question.Skill]);
        Assert.Equal(3, latest!.Version);
        Assert.Equal(DecisionOutcome.Clarify, latest.Decision.Outcome);
    }

    [ContractFact]
    public async Task Requests_AddDecisionWithWrongVersion_ThrowsConflict()
    {
        var request = Request();
        await Storage.Requests.AddAsync(request, DecisionFor(request));

        await Assert.ThrowsAsync<StorageConflictException>(() => Storage.Requests.AddDecisionAsync("t1", DecisionFor(request, 1)));
        await Assert.ThrowsAsync<StorageConflictException>(() => Storage.Requests.AddDecisionAsync("t1", DecisionFor(request, 3)));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Storage.Requests.AddDecisionAsync("t1", DecisionFor(Request(), 2)));

        Assert.Single(await Storage.Requests.GetDecisionsAsync("t1", request.Id));
    }

    [ContractFact]
    public async Task Requests_AddDecisionRacing_ExactlyOneVersionTwoWins()
    {
        var request = Request();
        await Storage.Requests.AddAsync(request, DecisionFor(request));
        var stores = await OpenManyAsync(4);

        var results = await Task.WhenAll(stores.Select(async s =>
        {
            try
            {
                await s.Requests.AddDecisionAsync("t1", DecisionFor(request, 2));
                return true;
            }
            catch (StorageConflictException)
            {
                return false;
            }
        }));

        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(2, (await Storage.Requests.GetDecisionsAsync("t1", request.Id)).Count);
    }

    [ContractFact]
    public async Task Requests_UpdateStatus_SetsOutcomeAndOwner()
    {
        var request = Request();
        await Storage.Requests.AddAsync(request, DecisionFor(request));
        var at = T0.AddHours(1);

        await Storage.Requests.UpdateStatusAsync("t1", request.Id, RequestStatus.Redirected, OwnerType.Person, "bob", at);

        var stored = await Storage.Requests.GetAsync("t1", request.Id);
        Assert.Equal(RequestStatus.Redirected, stored!.Status);
        Assert.Equal(OwnerType.Person, stored.OwnerType);
        Assert.Equal("bob", stored.OwnerId);
        Assert.Equal(at, stored.UpdatedAt);
        await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            Storage.Requests.UpdateStatusAsync("t1", Guid.NewGuid(), RequestStatus.Done, null, null, at));
    }

    [ContractFact]
    public async Task Requests_ListForLead_HalfOpenRangeOldestFirst()
    {
        var inside1 = Request(at: T0);
        var inside2 = Request(at: T0.AddDays(6).AddHours(23));
        var before = Request(at: T0.AddTicks(-10));
        var atEnd = Request(at: T0.AddDays(7));
        var otherLead = Request(lead: "lead-2", at: T0.AddHours(1));
        foreach (var r in new[] { inside2, before, atEnd, inside1, otherLead })
        {
            await Storage.Requests.AddAsync(r, DecisionFor(r));
        }

        var list = await Storage.Requests.ListForLeadAsync("t1", "lead-1", T0, T0.AddDays(7));

        Assert.Equal([inside1.Id, inside2.Id], list.Select(r => r.Id));
    }

    [ContractFact]
    public async Task Requests_ListByStatus_NewestFirstWithLimit()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var r = Request(at: T0.AddHours(i));
            await Storage.Requests.AddAsync(r, DecisionFor(r));
            ids.Add(r.Id);
        }

        await Storage.Requests.UpdateStatusAsync("t1", ids[0], RequestStatus.Taken, null, null, T0);

        var open = await Storage.Requests.ListByStatusAsync("t1", "lead-1", RequestStatus.Open, 3);
        var taken = await Storage.Requests.ListByStatusAsync("t1", "lead-1", RequestStatus.Taken, 10);

        Assert.Equal([ids[4], ids[3], ids[2]], open.Select(r => r.Id));
        Assert.Equal([ids[0]], taken.Select(r => r.Id));
        Assert.Empty(await Storage.Requests.ListByStatusAsync("t1", "lead-1", RequestStatus.Open, 0));
    }

    [ContractFact]
    public async Task Requests_CountTopicForLead_CountsRangeForThatLeadAndTopic()
    {
        foreach (var r in new[]
                 {
                     Request(at: T0.AddDays(-30)), Request(at: T0.AddDays(-27)), Request(at: T0.AddDays(-1)), Request(at: T0),
                     Request(topic: "dbt", at: T0), Request(topic: null, at: T0), Request(lead: "lead-2", at: T0),
                 })
        {
            await Storage.Requests.AddAsync(r, DecisionFor(r));
        }

        var end = T0.AddTicks(10);
        Assert.Equal(3, await Storage.Requests.CountTopicForLeadAsync("t1", "lead-1", "sql", T0.AddDays(-28), end, 100));
        Assert.Equal(2, await Storage.Requests.CountTopicForLeadAsync("t1", "lead-1", "sql", T0.AddDays(-28), T0, 100)); // [from, to): T0 excluded
        Assert.Equal(1, await Storage.Requests.CountTopicForLeadAsync("t1", "lead-1", "dbt", T0.AddDays(-28), end, 100));
        Assert.Equal(0, await Storage.Requests.CountTopicForLeadAsync("t1", "lead-1", "python", T0.AddDays(-28), end, 100));
    }

    [ContractFact]
    public async Task Requests_CountTopicForLead_StopsCountingAtAtMost()
    {
        for (var i = 0; i < 5; i++)
        {
            var r = Request(at: T0.AddMinutes(-i));
            await Storage.Requests.AddAsync(r, DecisionFor(r));
        }

        Assert.Equal(3, await Storage.Requests.CountTopicForLeadAsync("t1", "lead-1", "sql", T0.AddDays(-1), T0.AddDays(1), 3));
        Assert.Equal(5, await Storage.Requests.CountTopicForLeadAsync("t1", "lead-1", "sql", T0.AddDays(-1), T0.AddDays(1), 100));
        Assert.Equal(0, await Storage.Requests.CountTopicForLeadAsync("t1", "lead-1", "sql", T0.AddDays(-1), T0.AddDays(1), 0));
    }

    [ContractFact]
    public async Task Requests_CountRedirectsByOwner_CountsPersonRedirectsSince()
    {
        async Task Add(RequestStatus status, OwnerType? type, string? owner, DateTimeOffset at)
        {
            var r = Request(at: at);
            await Storage.Requests.AddAsync(r, DecisionFor(r));
            await Storage.Requests.UpdateStatusAsync("t1", r.Id, status, type, owner, at);
        }

        await Add(RequestStatus.Redirected, OwnerType.Person, "bob", T0);
        await Add(RequestStatus.Redirected, OwnerType.Person, "bob", T0.AddHours(1));
        await Add(RequestStatus.Redirected, OwnerType.Person, "cy", T0.AddHours(2));
        await Add(RequestStatus.Redirected, OwnerType.Team, "data-platform", T0);
        await Add(RequestStatus.Redirected, OwnerType.Person, "old", T0.AddDays(-20));
        await Add(RequestStatus.Taken, null, null, T0);

        var counts = await Storage.Requests.CountRedirectsByOwnerAsync("t1", T0.AddDays(-14));

        Assert.Equal(2, counts.Count);
        Assert.Equal(2, counts["bob"]);
        Assert.Equal(1, counts["cy"]);
    }

    [ContractFact]
    public async Task Requests_ListTenantsForLead_TenantsWithARequestToThatLeadInOrdinalOrder()
    {
        foreach (var r in new[] { Request(tenant: "slack:T2"), Request(tenant: "local"), Request(tenant: "slack:T2"), Request(tenant: "Teams:x"), Request(tenant: "other", lead: "lead-2") })
        {
            await Storage.Requests.AddAsync(r, DecisionFor(r));
        }

        await Storage.Ledger.AddAsync(Entry(tenant: "ledger-only"));

        Assert.Equal(["Teams:x", "local", "slack:T2"], await Storage.Requests.ListTenantsForLeadAsync("lead-1"));
        Assert.Equal(["other"], await Storage.Requests.ListTenantsForLeadAsync("lead-2"));
        Assert.Empty(await Storage.Requests.ListTenantsForLeadAsync("nobody"));
    }
}
