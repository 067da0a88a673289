using Microsoft.Extensions.Time.Testing;
using Moq;
using TriageBot.Engine.Access;
using TriageBot.Engine.Conversation;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Tests.Fakes;

namespace TriageBot.Engine.Tests.Conversation;

/// <summary>What a surface with structured input (the HTTP API) relies on: InvokeAsync, refusal kinds, API keys.</summary>
public sealed class StructuredSurfaceTests
{
    private const string TeachCausal = "Can you teach me how propensity score matching works? We will reuse it for every launch going forward.";
    private static readonly ChatActor Ana = new("ana", "Ana Lima", IsLead: true);
    private static readonly ChatActor Bruno = new("bruno", "Bruno Costa", IsLead: false);
    private static readonly ChatSurface Api = new(string.Empty, "id", CodeQuotes: false);

    private static ConversationContext Ctx(ChatActor actor) => new(TestOrg.Tenant, Platform.Api, Api, actor);

    [Fact]
    public async Task InvokeAsync_TriageWithTextThatLooksLikeAVerb_TriagesItNotRunsTheVerb()
    {
        var h = new UseCaseHarness();
        var conversation = new ConversationService(h.UseCases);

        var reply = await conversation.InvokeAsync(Ctx(Ana), conversation.Commands.Triage, "log 30m of my time? " + TeachCausal, default);

        Assert.IsType<CardReply>(reply);
        Assert.Empty(await h.Ledger.ListForLeadAsync(TestOrg.Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
    }

    [Fact]
    public async Task InvokeAsync_LeadOnlyCommandForNonLead_RefusedAsNotAllowed()
    {
        var conversation = new ConversationService(new UseCaseHarness().UseCases);

        var reply = await conversation.InvokeAsync(Ctx(Bruno), conversation.Commands.Find("stats")!, null, default);

        var error = Assert.IsType<ErrorReply>(reply);
        Assert.Equal(UserErrorKind.NotAllowed, error.Kind);
        Assert.Contains("for Leads", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_LogWithArguments_ParsesThemAsTheTypedCommandWould()
    {
        var h = new UseCaseHarness();
        var conversation = new ConversationService(h.UseCases);
        var triaged = await h.TriageAsync(TeachCausal);
        await h.UseCases.TakeAsync(TestOrg.Tenant, triaged.Request.Id, "ana");

        var reply = await conversation.InvokeAsync(Ctx(Ana), conversation.Commands.Find("log")!, "45m pairing", default);

        Assert.IsType<NoticeReply>(reply);
        var entry = Assert.Single(await h.Ledger.ListForLeadAsync(TestOrg.Tenant, "ana", DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1)));
        Assert.Equal(45, entry.Minutes);
        Assert.Equal("pairing", entry.Note);
    }

    [Fact]
    public async Task InvokeAsync_CommandOfAnotherTable_Throws()
    {
        var conversation = new ConversationService(new UseCaseHarness().UseCases);
        var foreign = new ConversationService(new UseCaseHarness().UseCases).Commands.Find("stats")!;

        await Assert.ThrowsAsync<ArgumentException>(() => conversation.InvokeAsync(Ctx(Ana), foreign, null, default));
    }

    [Fact]
    public async Task ActAsync_UnknownRequestOtherLeadAndDone_RefusedWithTheirKinds()
    {
        var h = new UseCaseHarness();
        var conversation = new ConversationService(h.UseCases);
        var id = (await h.TriageAsync(TeachCausal)).Request.Id;
        var omar = new ChatActor("omar", "Omar", IsLead: true);

        var unknown = await conversation.ActAsync(Ctx(Ana), CardActionNames.Take, new CardActionInput(Guid.NewGuid()), default);
        var other = await conversation.ActAsync(Ctx(omar), CardActionNames.Take, new CardActionInput(id), default);
        var nonLead = await conversation.ActAsync(Ctx(Bruno), CardActionNames.Take, new CardActionInput(id), default);
        await conversation.ActAsync(Ctx(Ana), CardActionNames.Done, new CardActionInput(id), default);
        var again = await conversation.ActAsync(Ctx(Ana), CardActionNames.Take, new CardActionInput(id), default);
        var badLog = await conversation.ActAsync(Ctx(Ana), CardActionNames.Log, new CardActionInput(id) { Duration = "forever" }, default);

        Assert.Equal(UserErrorKind.NotFound, Assert.IsType<ErrorReply>(unknown).Kind);
        Assert.Equal(UserErrorKind.NotAllowed, Assert.IsType<ErrorReply>(other).Kind);
        Assert.Equal(UserErrorKind.NotAllowed, Assert.IsType<ErrorReply>(nonLead).Kind);
        Assert.Equal(UserErrorKind.Conflict, Assert.IsType<ErrorReply>(again).Kind);
        Assert.Equal(UserErrorKind.Invalid, Assert.IsType<ErrorReply>(badLog).Kind);
    }

    [Fact]
    public async Task ActAsync_DoneTwiceThenLogTime_TheCardAgainNotAnErrorAndTimeStillLogs()
    {
        var h = new UseCaseHarness();
        var conversation = new ConversationService(h.UseCases);
        var id = (await h.TriageAsync(TeachCausal)).Request.Id;
        await conversation.ActAsync(Ctx(Ana), CardActionNames.Take, new CardActionInput(id), default);

        var done = await conversation.ActAsync(Ctx(Ana), CardActionNames.Done, new CardActionInput(id), default);
        var again = await conversation.ActAsync(Ctx(Ana), CardActionNames.Done, new CardActionInput(id), default);
        var log = await conversation.ActAsync(Ctx(Ana), CardActionNames.Log, new CardActionInput(id) { Duration = "30m" }, default);

        Assert.StartsWith("Marked done", Assert.IsType<CardReply>(done).Notice, StringComparison.Ordinal);
        var repeated = Assert.IsType<CardReply>(again);
        Assert.Equal("Already marked done.", repeated.Notice);
        Assert.Equal(RequestStatus.Done, (await h.Requests.GetAsync(TestOrg.Tenant, id))!.Status);
        Assert.Contains("30m", Assert.IsType<CardReply>(log).Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActAsync_SameOverrideOrTopicAgain_SaysNothingChanged()
    {
        var h = new UseCaseHarness();
        var conversation = new ConversationService(h.UseCases);
        var id = (await h.TriageAsync(TeachCausal)).Request.Id;
        var input = new CardActionInput(id) { Question = "horizon", Answer = "short" };
        await conversation.ActAsync(Ctx(Ana), CardActionNames.Override, input, default);
        await conversation.ActAsync(Ctx(Ana), CardActionNames.CorrectTopic, new CardActionInput(id) { TopicId = "experimentation" }, default);

        var overrideAgain = await conversation.ActAsync(Ctx(Ana), CardActionNames.Override, input, default);
        var topicAgain = await conversation.ActAsync(Ctx(Ana), CardActionNames.CorrectTopic, new CardActionInput(id) { TopicId = "experimentation" }, default);

        Assert.StartsWith("No change:", Assert.IsType<CardReply>(overrideAgain).Notice, StringComparison.Ordinal);
        Assert.StartsWith("The topic was already", Assert.IsType<CardReply>(topicAgain).Notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeys_CreateCheckRevoke_OnlyTheHashIsStored()
    {
        ApiKeyRecord? stored = null;
        var store = new Mock<IApiKeyStore>();
        store.Setup(s => s.AddAsync(It.IsAny<ApiKeyRecord>(), It.IsAny<CancellationToken>())).Callback<ApiKeyRecord, CancellationToken>((k, _) => stored = k).Returns(Task.CompletedTask);
        store.Setup(s => s.FindAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((string id, CancellationToken _) => stored?.KeyId == id ? stored : null);
        var service = new ApiKeyService(store.Object, new FakeTimeProvider(UseCaseHarness.Start));

        var created = await service.CreateAsync("slack:T1", "jira");

        Assert.Matches("^tbk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$", created.Secret);
        Assert.Equal(32, stored!.SecretHash.Length);
        Assert.Equal(ApiKeyStatus.Valid, (await service.CheckAsync(created.Secret)).Status);
        Assert.Equal(ApiKeyStatus.Unknown, (await service.CheckAsync(created.Secret[..^1] + (created.Secret[^1] == 'A' ? 'B' : 'A'))).Status);
        Assert.Equal(ApiKeyStatus.Unknown, (await service.CheckAsync("Bearer nonsense")).Status);
        stored = stored with { RevokedAt = UseCaseHarness.Start };
        Assert.Equal(ApiKeyStatus.Revoked, (await service.CheckAsync(created.Secret)).Status);
    }

    [Theory]
    [InlineData("local", true)]
    [InlineData("slack:T123", true)]
    [InlineData("teams:72f988bf-86f1-41af-91ab-2d7cd011db47", true)]
    [InlineData("slack:", false)]
    [InlineData("acme", false)]
    [InlineData("slack:T 1", false)]
    [InlineData("", false)]
    public void IsValidTenant_TenantKeys_AcceptsOnlyTheBotsShapes(string tenant, bool valid) =>
        Assert.Equal(valid, ApiKeyService.IsValidTenant(tenant));
}
