using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Engine.Org;
using TriageBot.Slack.App;

namespace TriageBot.Slack.Tests;

/// <summary>Slack users are mapped to org people by their Slack identity, else by the email Slack reports.</summary>
public sealed class UserLookupTests : IDisposable
{
    private readonly FakeSlack _slack = new();
    private readonly ServiceProvider _services;
    private readonly SlackUserDirectory _users;

    public UserLookupTests()
    {
        var org = OrgParser.Parse("""
            topics: []
            people:
              - {id: ana, name: Ana Lima, level: lead, slack_id: U01ANA, email: ana@example.com}
              - {id: bea, name: Bea, level: senior, email: bea@example.com}
              - {id: caio, name: Caio, level: mid, identities: {slack: W0CAIO}}
            """, "test.yaml").Directory!;
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TriageBot:Slack:ApiBaseUrl"] = _slack.ApiBaseUrl,
            ["TriageBot:Slack:BotToken"] = "xoxb-lookup",
            ["TriageBot:Slack:SigningSecret"] = "secret",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddSlack(config)
            .AddSingleton<IOrgProvider>(new StaticOrgProvider(org))
            .BuildServiceProvider();
        _users = _services.GetRequiredService<SlackUserDirectory>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _slack.Dispose();
    }

    [Theory]
    [InlineData("U01ANA", "ana")]
    [InlineData("W0CAIO", "caio")]
    public async Task ResolveAsync_KnownSlackId_MapsWithoutAskingSlack(string slackUserId, string personId)
    {
        var user = await _users.ResolveAsync("slack:T1", slackUserId, CancellationToken.None);

        Assert.Equal(personId, user.Person?.Id);
        Assert.Equal(personId, user.OrgOrPlatformId);
        Assert.Empty(_slack.Calls("users.info"));
    }

    [Fact]
    public async Task ResolveAsync_NoSlackIdInOrg_MapsByTheEmailSlackReports()
    {
        _slack.Ok("users.info", """{"ok":true,"user":{"id":"U0BEA","name":"bea","profile":{"email":"BEA@example.com","display_name":"Bea"}}}""", priority: 1);

        var user = await _users.ResolveAsync("slack:T1", "U0BEA", CancellationToken.None);

        Assert.Equal("bea", user.Person?.Id);
        Assert.Single(_slack.Calls("users.info"));
    }

    [Fact]
    public async Task ResolveAsync_SlackRateLimitsTheLookup_GivesUpInTimeAndAsksAgainNextTime()
    {
        // Retry-After 25 s is within what the client would wait in-process; while answering, the lookup must not.
        _slack.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/users.info").UsingPost()).AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(429).WithHeader("Retry-After", "25"));

        var user = await _users.ResolveAsync("slack:T1", "U0BEA", CancellationToken.None);

        // One call: the 25 s wait for a retry was cut by the answer's deadline (without it: four calls over 75 s).
        Assert.Single(_slack.Calls("users.info"));
        Assert.Null(user.Person);
        _slack.Ok("users.info", """{"ok":true,"user":{"id":"U0BEA","name":"bea","profile":{"email":"bea@example.com"}}}""", priority: 0);
        Assert.Equal("bea", (await _users.ResolveAsync("slack:T1", "U0BEA", CancellationToken.None)).Person?.Id);
    }

    [Fact]
    public async Task ResolveAsync_SlackIdInOtherCase_IsNotThatPerson()
    {
        var user = await _users.ResolveAsync("slack:T1", "u01ana", CancellationToken.None);

        Assert.Null(user.Person);
        Assert.Equal("u01ana", user.OrgOrPlatformId);
    }

    [Theory]
    [InlineData("ana", "U01ANA")]
    [InlineData("caio", "W0CAIO")]
    [InlineData("bea", null)]
    [InlineData("U0OUTSIDER", "U0OUTSIDER")]
    public void SlackIdOf_OrgOrPlatformId_IsTheSlackIdentity(string id, string? expected) =>
        Assert.Equal(expected, _users.SlackIdOf(id));
}
