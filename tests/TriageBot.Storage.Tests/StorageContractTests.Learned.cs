using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Understanding;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public abstract partial class StorageContractTests
{
    private async Task<RequestRecord> StoredRequestAsync(string tenant = "t1", DateTimeOffset? at = null)
    {
        var request = Request(tenant, at: at);
        await Storage.Requests.AddAsync(request, new DecisionRecord(request.Id, 1, SampleDecision(), new Dictionary<Question, AnswerValue>(), request.ReceivedAt));
        return request;
    }

    private static LearnedExample Example(RequestRecord request, string topic, DateTimeOffset at, float[]? vector = null) =>
        new(request.Tenant, request.Id, "lead-1", topic, "did the loyalty emails make people reorder? ünïcødé ✓", ExampleSource.Correction, at, vector, vector is null ? null : "model-a");

    [ContractFact]
    public async Task Learned_Upsert_ListNewestFirstWithVectorsAndVersionBumps()
    {
        var a = await StoredRequestAsync();
        var b = await StoredRequestAsync();
        var vector = new[] { 0.5f, -0.25f, float.Epsilon, 1f };
        Assert.Equal(0, await Storage.LearnedExamples.VersionAsync("t1"));

        await Storage.LearnedExamples.UpsertAsync(Example(a, "causal-inference", T0, vector), 100);
        await Storage.LearnedExamples.UpsertAsync(Example(b, "sql", T0.AddMinutes(1)), 100);

        var list = await Storage.LearnedExamples.ListAsync("t1", 10);
        Assert.Equal([b.Id, a.Id], list.Select(e => e.RequestId));
        Assert.Equal(vector, list[1].Vector);
        Assert.Equal("model-a", list[1].VectorModel);
        Assert.Null(list[0].Vector);
        Assert.Equal("did the loyalty emails make people reorder? ünïcødé ✓", list[0].Text);
        Assert.Equal(ExampleSource.Correction, list[0].Source);
        Assert.Equal(T0.AddMinutes(1), list[0].At);
        Assert.Equal(2, await Storage.LearnedExamples.VersionAsync("t1"));
        Assert.Empty(await Storage.LearnedExamples.ListAsync("t2", 10));
    }

    [ContractFact]
    public async Task Learned_SameRequestAgain_ReplacesItsExample()
    {
        var a = await StoredRequestAsync();
        await Storage.LearnedExamples.UpsertAsync(Example(a, "sql", T0), 100);

        await Storage.LearnedExamples.UpsertAsync(Example(a, "causal-inference", T0.AddMinutes(5)) with { Source = ExampleSource.Take }, 100);

        var only = Assert.Single(await Storage.LearnedExamples.ListAsync("t1", 10));
        Assert.Equal("causal-inference", only.TopicId);
        Assert.Equal(ExampleSource.Take, only.Source);
    }

    [ContractFact]
    public async Task Learned_OverTheBound_OldestDroppedForThatTenantOnly()
    {
        var other = await StoredRequestAsync("t2");
        await Storage.LearnedExamples.UpsertAsync(Example(other, "sql", T0.AddDays(-1)), 3);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var r = await StoredRequestAsync();
            ids.Add(r.Id);
            await Storage.LearnedExamples.UpsertAsync(Example(r, "sql", T0.AddMinutes(i)), 3);
        }

        Assert.Equal(ids.Skip(2).Reverse(), (await Storage.LearnedExamples.ListAsync("t1", 10)).Select(e => e.RequestId));
        Assert.Single(await Storage.LearnedExamples.ListAsync("t2", 10));
    }

    [ContractFact]
    public async Task Learned_RemoveForRequest_GoneAndVersionBumpsOnlyWhenSomethingWentAway()
    {
        var a = await StoredRequestAsync();
        await Storage.LearnedExamples.UpsertAsync(Example(a, "sql", T0), 100);
        var before = await Storage.LearnedExamples.VersionAsync("t1");

        Assert.True(await Storage.LearnedExamples.RemoveForRequestAsync("t1", a.Id));
        Assert.False(await Storage.LearnedExamples.RemoveForRequestAsync("t1", a.Id));
        Assert.False(await Storage.LearnedExamples.RemoveForRequestAsync("t2", a.Id));

        Assert.Empty(await Storage.LearnedExamples.ListAsync("t1", 10));
        Assert.Equal(before + 1, await Storage.LearnedExamples.VersionAsync("t1"));
    }

    [ContractFact]
    public async Task Learned_TwoReplicas_SeeEachOthersExamples()
    {
        var replicas = await OpenManyAsync(2);
        var a = await StoredRequestAsync();

        await replicas[0].LearnedExamples.UpsertAsync(Example(a, "sql", T0), 100);

        Assert.Single(await replicas[1].LearnedExamples.ListAsync("t1", 10));
        Assert.Equal(1, await replicas[1].LearnedExamples.VersionAsync("t1"));
    }
}
