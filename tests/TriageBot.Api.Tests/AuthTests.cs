using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TriageBot.Api.Tests;

public sealed class AuthTests : IAsyncLifetime
{
    private readonly ApiApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static readonly object Triage = new { leadId = "ana", requesterId = "bea", text = "How should I set up a difference in differences analysis for next quarter?" };

    [Fact]
    public async Task Call_WithoutKey_Is401ProblemWithBearerChallenge()
    {
        using var response = await _app.Http().PostAsJsonAsync("/api/v1/requests", Triage);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var problem = await ProblemAsync(response);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains("triagebot apikey create", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("tbk_abcdefghijkm_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Call_WithUnknownKey_Is401(string key)
    {
        using var response = await _app.Http(key).GetAsync("/api/v1/leads/ana/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("This API key is not valid.", (await ProblemAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Call_WithWrongSecretOfAKnownKey_Is401()
    {
        var key = await _app.CreateKeyAsync();
        var forged = key[..^4] + (key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        using var response = await _app.Http(forged).GetAsync("/api/v1/leads/ana/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Call_WithRevokedKey_Is401AtOnce()
    {
        var key = await _app.CreateKeyAsync();
        using var client = _app.Http(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/leads/ana/stats")).StatusCode);

        Assert.True(await _app.RevokeAsync(key));
        using var response = await client.GetAsync("/api/v1/leads/ana/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("revoked", (await ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_ValidRevokedOrForged_NeverReachTheLog()
    {
        var key = await _app.CreateKeyAsync();
        using (var client = _app.Http(key))
        {
            await client.GetAsync("/api/v1/leads/ana/stats");
            await client.PostAsync("/api/v1/requests", new StringContent("{bad", System.Text.Encoding.UTF8, "application/json"));
        }

        await _app.RevokeAsync(key);
        using (var client = _app.Http(key))
        {
            await client.GetAsync("/api/v1/leads/ana/stats?key=" + key);
        }

        var secret = key[17..];
        Assert.NotEmpty(_app.Logs.All);
        Assert.DoesNotContain(secret, _app.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherSurfaces_WithTheirOwnBearerTokens_AreLeftAlone()
    {
        using var client = _app.Http("eyJhbGciOiJSUzI1NiJ9.not-an-api-key.signature");

        using var health = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.DoesNotContain("was not authenticated", _app.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_WithXApiKeyHeader_IsAccepted()
    {
        using var client = _app.Http();
        client.DefaultRequestHeaders.Add("X-Api-Key", await _app.CreateKeyAsync());

        using var response = await client.GetAsync("/api/v1/leads/ana/stats");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RequestOfAnotherTenant_ReadOrActedOn_Is404()
    {
        using var slack = _app.Http(await _app.CreateKeyAsync("slack:T1"));
        using var teams = _app.Http(await _app.CreateKeyAsync("teams:contoso"));
        using var created = await slack.PostAsJsonAsync("/api/v1/requests", Triage);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("card").GetProperty("requestId").GetString();

        using var read = await teams.GetAsync($"/api/v1/requests/{id}");
        using var take = await teams.PostAsJsonAsync($"/api/v1/requests/{id}/take", new { leadId = "ana" });
        using var own = await slack.GetAsync($"/api/v1/requests/{id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/requests/{id}", created.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, take.StatusCode);
        Assert.Equal("not-found", (await ProblemAsync(take)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task RateLimit_PastThePermits_Is429WithRetryAfter()
    {
        await using var app = new ApiApp(new Dictionary<string, string?> { ["TriageBot:Api:RateLimitPermits"] = "2", ["TriageBot:Api:RateLimitWindow"] = "01:00:00" });
        using var client = app.Http(await app.CreateKeyAsync());
        using var other = app.Http(await app.CreateKeyAsync());

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            statuses.Add((await client.GetAsync("/api/v1/leads/ana/stats")).StatusCode);
        }

        using var limited = await client.GetAsync("/api/v1/leads/ana/stats");
        using var otherKey = await other.GetAsync("/api/v1/leads/ana/stats");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("rate-limited", (await ProblemAsync(limited)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
    }

    [Theory]
    [InlineData("TriageBot:Api:RateLimitPermits", "0")]
    [InlineData("TriageBot:Api:RateLimitWindow", "00:00:00")]
    [InlineData("TriageBot:Api:MaxBodyBytes", "10")]
    public async Task Startup_WithBadApiSetting_FailsNamingTheKey(string key, string value)
    {
        await using var app = new ApiApp(new Dictionary<string, string?> { [key] = value });

        var failure = Assert.ThrowsAny<Exception>(() => app.Http());

        var validation = failure as OptionsValidationException ?? failure.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(key, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_Disabled_IsNotServed()
    {
        await using var app = new ApiApp(new Dictionary<string, string?> { ["TriageBot:Api:Enabled"] = "false" });
        using var client = app.Http(await app.CreateKeyAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/leads/ana/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
