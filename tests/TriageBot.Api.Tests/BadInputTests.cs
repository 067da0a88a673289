using System.Net;
using System.Text;
using System.Text.Json;

namespace TriageBot.Api.Tests;

/// <summary>Whatever is wrong with a call's body or route, the answer is a 4xx problem, never a 500.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly ApiApp _app = new();
    private HttpClient _client = null!;
    private string _requestId = null!;

    public async Task InitializeAsync()
    {
        _client = _app.Http(await _app.CreateKeyAsync());
        using var created = await PostAsync("/api/v1/requests", """{"leadId":"ana","requesterId":"bea","text":"How do I set up a difference in differences analysis?"}""");
        _requestId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("card").GetProperty("requestId").GetString()!;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/v1/requests", "{\"leadId\":\"ana\",", "not valid JSON")]
    [InlineData("/api/v1/requests", "[1,2,3]", "must be a JSON object")]
    [InlineData("/api/v1/requests", "null", "null")]
    [InlineData("/api/v1/requests", "\"text\"", "must be a JSON object")]
    [InlineData("/api/v1/requests", "{\"leadId\":42,\"text\":\"x\"}", "$.leadId")]
    [InlineData("/api/v1/requests", "{\"leadId\":\"ana\"}", "missing required properties")]
    [InlineData("/api/v1/requests", "{\"leadId\":\"  \",\"text\":\"x\"}", "'leadId' is required")]
    [InlineData("/api/v1/requests", "{\"leadId\":\"ana\",\"text\":\"\"}", "'text' is required")]
    [InlineData("/api/v1/who", "{\"requesterId\":[\"bea\"],\"text\":\"x\"}", "$.requesterId")]
    [InlineData("/api/v1/requests/{id}/override", "{\"leadId\":\"ana\",\"question\":\"mood\",\"answer\":\"yes\"}", "$.question")]
    [InlineData("/api/v1/requests/{id}/override", "{\"leadId\":\"ana\",\"question\":0,\"answer\":\"yes\"}", "$.question")]
    [InlineData("/api/v1/requests/{id}/override", "{\"leadId\":\"ana\",\"question\":\"skill\",\"answer\":\"maybe\"}", "$.answer")]
    [InlineData("/api/v1/requests/{id}/take", "{\"leadId\":\"ana\",\"estimate\":{}}", "$.estimate")]
    [InlineData("/api/v1/leads/ana/time", "{\"duration\":\"1h 15m\"}", "one word")]
    [InlineData("/api/v1/requests/{id}/time", "{\"leadId\":\"ana\"}", "missing required properties")]
    public async Task Post_BadBody_Is400ProblemSayingWhat(string path, string body, string expected)
    {
        using var response = await PostAsync(path.Replace("{id}", _requestId, StringComparison.Ordinal), body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_OversizedBody_Is400()
    {
        var text = new string('x', 70 * 1024);

        using var response = await PostAsync("/api/v1/requests", $$"""{"leadId":"ana","text":"{{text}}"}""");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("too large", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_OversizedChunkedBody_Is400()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"leadId\":\"ana\",\"text\":\"" + new string('y', 80 * 1024) + "\"}")));
        content.Headers.ContentType = new("application/json");

        using var response = await _client.PostAsync("/api/v1/requests", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Post_NotJson_Is415Problem(string? contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"leadId":"ana","text":"x"}"""));
        if (contentType is not null)
        {
            content.Headers.ContentType = new(contentType);
        }

        using var response = await _client.PostAsync("/api/v1/requests", content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("lone-surrogate")]
    [InlineData("invalid-utf8")]
    public async Task Post_TextThatIsNotUtf8_Is400SayingSo(string kind)
    {
        var prefix = Encoding.UTF8.GetBytes("{\"leadId\":\"ana\",\"text\":\"sql ");
        var middle = kind == "invalid-utf8" ? new byte[] { 0xFF, 0xFE } : Encoding.UTF8.GetBytes("\\ud800");
        var suffix = Encoding.UTF8.GetBytes(" join\"}");
        using var content = new ByteArrayContent([.. prefix, .. middle, .. suffix]);
        content.Headers.ContentType = new("application/json");

        using var response = await _client.PostAsync("/api/v1/requests", content);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("not valid UTF-8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongMethod_Is405Problem()
    {
        using var response = await _client.DeleteAsync($"/api/v1/requests/{_requestId}");

        await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Post_EmptyBody_Is400()
    {
        using var response = await PostAsync("/api/v1/requests", "");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/v1/requests/not-a-guid")]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/api/v1/requests/00000000-0000-0000-0000-000000000000")]
    public async Task Get_UnknownPathOrRequest_Is404Problem(string path)
    {
        using var response = await _client.GetAsync(path);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Digest_BadWeek_Is422WithTheEnginesWording()
    {
        using var response = await _client.GetAsync("/api/v1/leads/ana/digest?week=last-week");

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("2026-W48", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string json) =>
        await _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());

        // docs/api.md: every error says what to do (detail) and has a stable code to branch on.
        Assert.False(string.IsNullOrWhiteSpace(problem.TryGetProperty("detail", out var detail) ? detail.GetString() : null), body);
        Assert.False(string.IsNullOrWhiteSpace(problem.TryGetProperty("code", out var code) ? code.GetString() : null), body);
        return problem;
    }
}
