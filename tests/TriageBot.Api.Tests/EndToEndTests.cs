namespace TriageBot.Api.Tests;

using TriageBot.Api.Tests.Generated.Models;

/// <summary>
/// The API end to end through the client Kiota generated from the committed OpenAPI document (which
/// <see cref="OpenApiDocumentTests"/> checks is the one the app serves), against the real host with SQLite.
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private const string Learn = "How should I set up a difference in differences analysis for next quarter's pricing launches?";
    private const string Access = "can you grant me read access to the payments table today?";
    private readonly ApiApp _app = new();
    private Generated.TriageBotClient _client = null!;

    public async Task InitializeAsync() => _client = _app.Client(await _app.CreateKeyAsync("slack:T100"));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<RequestResponse?> TriageAsync(string text, string requester = "bea", string lead = "ana") =>
        _client.Api.V1.Requests.PostAsync(new TriageBody { LeadId = lead, RequesterId = requester, Text = text });

    [Fact]
    public async Task TriageTakeLogDone_ForALead_CardFollowsEveryStep()
    {
        var triaged = await TriageAsync(Learn);
        var id = triaged!.Card!.RequestId!.Value;

        Assert.Equal(DecisionOutcome.Take, triaged.Card.Outcome);
        Assert.Equal(4, triaged.Card.Answers!.Count);
        Assert.Equal("Beatriz Souza", triaged.Card.RequesterName);

        var taken = await _client.Api.V1.Requests[id].Take.PostAsync(new TakeBody { LeadId = "ana", Estimate = "45m" });
        Assert.Equal(RequestStatus.Taken, taken!.Card!.Status);
        Assert.False(string.IsNullOrWhiteSpace(taken.Notice));

        var logged = await _client.Api.V1.Requests[id].Time.PostAsync(new RequestTimeBody { LeadId = "ana", Duration = "30m", Note = "pairing" });
        Assert.Contains("30m", logged!.Notice, StringComparison.Ordinal);

        var done = await _client.Api.V1.Requests[id].Done.PostAsync(new LeadBody { LeadId = "ana" });
        Assert.Equal(RequestStatus.Done, done!.Card!.Status);

        var read = await _client.Api.V1.Requests[id].GetAsync();
        Assert.Equal(RequestStatus.Done, read!.Card!.Status);
    }

    [Fact]
    public async Task Redirect_AfterPreview_ReturnsTheMessageForTheRequester()
    {
        var triaged = await TriageAsync(Access, requester: "leo");
        var id = triaged!.Card!.RequestId!.Value;
        Assert.Equal(DecisionOutcome.Redirect, triaged.Card.Outcome);

        var preview = await _client.Api.V1.Requests[id].RedirectPreview.PostAsync(new RedirectBody { LeadId = "ana" });
        var redirected = await _client.Api.V1.Requests[id].Redirect.PostAsync(new RedirectBody { LeadId = "ana", Message = preview!.Message + " Thanks!" });

        Assert.Equal("data-eng", preview.Owner!.Id);
        Assert.EndsWith("Thanks!", redirected!.Message, StringComparison.Ordinal);
        Assert.Equal(RequestStatus.Redirected, redirected.Card!.Status);
    }

    [Fact]
    public async Task OverrideAndCorrectTopic_RecomputeTheDecision()
    {
        var id = (await TriageAsync(Learn))!.Card!.RequestId!.Value;

        var overridden = await _client.Api.V1.Requests[id].Override.PostAsync(new OverrideBody { LeadId = "ana", Question = Question.Skill, Answer = AnswerValue.No });
        var corrected = await _client.Api.V1.Requests[id].Topic.PostAsync(new TopicBody { LeadId = "ana", TopicId = "sql" });

        var skill = overridden!.Card!.Answers!.Single(a => a.Question == Question.Skill);
        Assert.Equal(AnswerValue.No, skill.Value);
        Assert.True(skill.Overridden);
        Assert.Equal(2, overridden.Card.Version);
        Assert.Equal("sql", corrected!.Card!.TopicId);
        Assert.Equal(3, corrected.Card.Version);
    }

    [Fact]
    public async Task Clarify_ReturnsTheQuestionForTheRequester()
    {
        var id = (await TriageAsync(Learn))!.Card!.RequestId!.Value;

        var clarified = await _client.Api.V1.Requests[id].Clarify.PostAsync(new ClarifyBody { LeadId = "ana" });

        Assert.False(string.IsNullOrWhiteSpace(clarified!.Message));
        Assert.Null(clarified.Owner);
    }

    [Fact]
    public async Task Who_ForSomeoneWhoIsNotALead_NamesOwners()
    {
        var who = await _client.Api.V1.Who.PostAsync(new WhoBody { RequesterId = "bea", Text = Access });

        Assert.NotEmpty(who!.Owners!);
        Assert.Equal("data-eng", who.Owners![0].Id);
        Assert.False(string.IsNullOrWhiteSpace(who.Advice));
    }

    [Fact]
    public async Task LeadTimeDoneStatsAndDigest_ThroughTheCommands_CountTheWeek()
    {
        var id = (await TriageAsync(Learn))!.Card!.RequestId!.Value;
        await _client.Api.V1.Requests[id].Take.PostAsync(new TakeBody { LeadId = "ana" });
        await TriageAsync(Access, requester: "leo");

        var logged = await _client.Api.V1.Leads["ana"].Time.PostAsync(new LeadTimeBody { Duration = "1h30m", Note = "walkthrough" });
        var stats = await _client.Api.V1.Leads["ana"].Stats.GetAsync();
        var digest = await _client.Api.V1.Leads["ana"].Digest.GetAsync();
        var done = await _client.Api.V1.Leads["ana"].Done.PostAsync();

        Assert.Contains("1h30m", logged!.Notice, StringComparison.Ordinal);
        Assert.StartsWith("Your week ", stats!.Title, StringComparison.Ordinal);
        Assert.Equal("2", stats.Facts!.Single(f => f.Label == "Requests received").Value);
        Assert.Equal("1", stats.Facts!.Single(f => f.Label == "Taken").Value);
        Assert.Equal(2, digest!.Received);
        Assert.Equal(1.5, digest.HoursSpent);
        Assert.Equal("slack:T100", digest.Tenant);
        Assert.False(string.IsNullOrWhiteSpace(done!.Notice));
    }

    [Fact]
    public async Task DigestChartAndCsv_ForAWeek_ArePngAndCsv()
    {
        await using var png = await _client.Api.V1.Leads["ana"].DigestPng.GetAsync(c => c.QueryParameters.Week = "2026-W48");
        await using var csvStream = await _client.Api.V1.Leads["ana"].DigestCsv.GetAsync(c => c.QueryParameters.Week = "2026-W48");
        var csv = await new StreamReader(csvStream!).ReadToEndAsync();

        var header = new byte[8];
        await png!.ReadExactlyAsync(header);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, header);
        Assert.StartsWith("section,key,name,metric,value", csv, StringComparison.Ordinal);
        Assert.Contains("summary,,,iso_week,2026-W48", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Triage_SameIdempotencyKey_ReturnsTheSameRequest()
    {
        var body = new TriageBody { LeadId = "ana", RequesterId = "bea", Text = Learn, IdempotencyKey = "JIRA-42" };

        var first = await _client.Api.V1.Requests.PostAsync(body);
        var second = await _client.Api.V1.Requests.PostAsync(body);

        Assert.Equal(first!.Card!.RequestId, second!.Card!.RequestId);
    }

    [Fact]
    public async Task Triage_SameIdempotencyKeyForAnotherRequest_409AndTheNewRequestIsNotPassedOffAsTheOld()
    {
        await _client.Api.V1.Requests.PostAsync(new TriageBody { LeadId = "ana", RequesterId = "bea", Text = Learn, IdempotencyKey = "DS-142" });

        var error = await Assert.ThrowsAsync<ProblemDetails>(() => _client.Api.V1.Requests.PostAsync(
            new TriageBody { LeadId = "omar", RequesterId = "tom", Text = "the airflow dag for orders is failing", IdempotencyKey = "DS-142" }));

        Assert.Equal(409, error.Status);
        Assert.Contains("new key", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeadOnlyActions_ForSomeoneWhoIsNotALead_Are403WithTheEnginesWording()
    {
        var id = (await TriageAsync(Learn))!.Card!.RequestId!.Value;

        var triage = await Assert.ThrowsAsync<ProblemDetails>(() => TriageAsync(Learn, lead: "bea"));
        var take = await Assert.ThrowsAsync<ProblemDetails>(() => _client.Api.V1.Requests[id].Take.PostAsync(new TakeBody { LeadId = "bea" }));
        var stats = await Assert.ThrowsAsync<ProblemDetails>(() => _client.Api.V1.Leads["bea"].Stats.GetAsync());

        Assert.Equal(403, triage.Status);
        Assert.StartsWith("That command is for Leads", triage.Detail, StringComparison.Ordinal);
        Assert.Equal(403, take.Status);
        Assert.Equal("Only a Lead set up in the org file can act on a decision card.", take.Detail);
        Assert.Equal(403, stats.Status);
    }

    [Fact]
    public async Task ActionsTheEngineRefuses_AreProblemsWithItsStatus()
    {
        var id = (await TriageAsync(Learn))!.Card!.RequestId!.Value;
        await _client.Api.V1.Requests[id].Done.PostAsync(new LeadBody { LeadId = "ana" });

        var otherLead = await Assert.ThrowsAsync<ProblemDetails>(() => _client.Api.V1.Requests[id].Take.PostAsync(new TakeBody { LeadId = "omar" }));
        var again = await Assert.ThrowsAsync<ProblemDetails>(() => _client.Api.V1.Requests[id].Take.PostAsync(new TakeBody { LeadId = "ana" }));
        var badDuration = await Assert.ThrowsAsync<ProblemDetails>(() => _client.Api.V1.Leads["ana"].Time.PostAsync(new LeadTimeBody { Duration = "forever" }));
        var unknown = await Assert.ThrowsAsync<ProblemDetails>(() => _client.Api.V1.Requests[Guid.NewGuid()].GetAsync());

        Assert.Equal(403, otherLead.Status);
        Assert.Equal(409, again.Status);
        Assert.Equal(422, badDuration.Status);
        Assert.Equal(404, unknown.Status);
    }
}
