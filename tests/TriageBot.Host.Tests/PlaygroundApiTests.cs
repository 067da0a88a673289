using System.Net;
using System.Text;

namespace TriageBot.Host.Tests;

public class PlaygroundApiTests : IAsyncLifetime
{
    private readonly TestApp _app = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Triage_ThenTakeLogTimeAndDigest_GoesThroughUseCasesAndStorage()
    {
        var triage = await _client.PostJsonAsync("/playground/api/triage", new { leadId = "ana", requesterId = "bia", text = "Can you help me set up the diff-in-diff for the pricing change? We will reuse it every launch." });
        Assert.Equal(HttpStatusCode.OK, triage.StatusCode);
        var card = (await triage.JsonAsync()).GetProperty("card");
        var id = card.GetProperty("requestId").GetString();
        Assert.Contains(card.GetProperty("outcome").GetString(), new[] { "take", "redirect", "clarify" });
        Assert.Equal(4, card.GetProperty("answers").GetArrayLength());
        Assert.False(string.IsNullOrWhiteSpace(card.GetProperty("headline").GetString()));

        var take = await _client.PostJsonAsync($"/playground/api/requests/{id}/take", new { leadId = "ana", estimate = "30m" });
        Assert.Equal(HttpStatusCode.OK, take.StatusCode);
        var taken = await take.JsonAsync();
        Assert.Equal("taken", taken.GetProperty("card").GetProperty("status").GetString());
        Assert.Equal(30, taken.GetProperty("estimateMinutes").GetInt32());

        // Take again (a double click): still taken, and the estimate is not counted twice (checked in the digest below).
        var again = await _client.PostJsonAsync($"/playground/api/requests/{id}/take", new { leadId = "ana", estimate = "30m" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var time = await _client.PostJsonAsync("/playground/api/time", new { leadId = "ana", duration = "1h15m", requestId = id, kind = "teach" });
        Assert.Equal(HttpStatusCode.OK, time.StatusCode);
        Assert.Equal(1.25, (await time.JsonAsync()).GetProperty("weekHours").GetDouble(), 3);

        var digest = await _client.GetAsync("/playground/api/digest/ana");
        Assert.Equal(HttpStatusCode.OK, digest.StatusCode);
        var json = await digest.JsonAsync();
        Assert.Equal(1, json.GetProperty("digest").GetProperty("received").GetInt32());
        Assert.Equal(1.25, json.GetProperty("digest").GetProperty("hoursSpent").GetDouble(), 3);
        Assert.Equal(0.5, json.GetProperty("digest").GetProperty("estimatedHours").GetDouble(), 3);
        Assert.Contains("Ana", json.GetProperty("text").GetString(), StringComparison.Ordinal);

        var png = await _client.GetAsync("/playground/api/digest/ana.png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        var bytes = await png.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
    }

    [Fact]
    public async Task Command_Stats_ThisWeeksFactsFromTheCommandTable()
    {
        var triage = await _client.PostJsonAsync("/playground/api/triage", new { leadId = "ana", requesterId = "bia", text = "Can you help me set up the diff-in-diff for the pricing change? We will reuse it every launch." });
        Assert.Equal(HttpStatusCode.OK, triage.StatusCode);
        var id = (await triage.JsonAsync()).GetProperty("card").GetProperty("requestId").GetString();
        Assert.Equal(HttpStatusCode.OK, (await _client.PostJsonAsync($"/playground/api/requests/{id}/take", new { leadId = "ana" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.PostJsonAsync("/playground/api/time", new { leadId = "ana", duration = "1h30m" })).StatusCode);

        var stats = await _client.PostJsonAsync("/playground/api/command", new { personId = "ana", text = "stats" });

        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        var json = await stats.JsonAsync();
        Assert.Equal("facts", json.GetProperty("kind").GetString());
        var facts = json.GetProperty("reply").GetProperty("facts").EnumerateArray()
            .ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("value").GetString()!);
        Assert.Equal("1", facts["Requests received"]);
        Assert.Equal("1", facts["Taken"]);
        Assert.Equal("0", facts["Redirected"]);
        Assert.StartsWith("1.5 h of ", facts["Help hours"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bia", "log 30m", "error")]
    [InlineData("bia", "help", "help")]
    [InlineData("ana", "budget lots", "error")]
    public async Task Command_GateHelpAndArgumentErrors_FromTheCommandTable(string person, string text, string kind)
    {
        var response = await _client.PostJsonAsync("/playground/api/command", new { personId = person, text });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(kind, (await response.JsonAsync()).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Redirect_PreviewThenEditedMessage_IsStoredAndReturned()
    {
        var triage = await _client.PostJsonAsync("/playground/api/triage", new { leadId = "ana", requesterId = "bia", text = "Please restart the model endpoint for the churn model, it returns 500s" });
        var id = (await triage.JsonAsync()).GetProperty("card").GetProperty("requestId").GetString();

        var preview = await _client.PostJsonAsync($"/playground/api/requests/{id}/redirect/preview", new { leadId = "ana" });
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var previewJson = await preview.JsonAsync();
        Assert.False(string.IsNullOrWhiteSpace(previewJson.GetProperty("message").GetString()));
        Assert.Equal("open", previewJson.GetProperty("card").GetProperty("status").GetString());

        var redirect = await _client.PostJsonAsync($"/playground/api/requests/{id}/redirect", new { leadId = "ana", message = "Hi! The ML Platform team owns this: #help-ml-platform." });
        Assert.Equal(HttpStatusCode.OK, redirect.StatusCode);
        var json = await redirect.JsonAsync();
        Assert.Equal("redirected", json.GetProperty("card").GetProperty("status").GetString());
        Assert.Equal("Hi! The ML Platform team owns this: #help-ml-platform.", json.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("/playground/api/triage", "{bad json", "not valid JSON")]
    [InlineData("/playground/api/triage", "{\"requesterId\":\"bia\",\"text\":\"sql help\"}", "'leadId' is required")]
    [InlineData("/playground/api/triage", "{\"leadId\":\"nobody\",\"requesterId\":\"bia\",\"text\":\"sql help\"}", "nobody")]
    [InlineData("/playground/api/triage", "{\"leadId\":\"ana\",\"requesterId\":\"bia\",\"text\":\"   \"}", "empty")]
    [InlineData("/playground/api/requests/not-a-guid/take", "{\"leadId\":\"ana\"}", "is not a request id")]
    [InlineData("/playground/api/time", "{\"leadId\":\"ana\",\"duration\":\"soon\"}", "")]
    [InlineData("/playground/api/time", "{\"leadId\":\"ana\",\"duration\":\"30m\",\"kind\":\"sing\"}", "'kind' must be teach, do or review")]
    [InlineData("/playground/api/triage", "{\"leadId\":5,\"text\":\"sql help\"}", "wrong type at $.leadId (line 1, column")]
    [InlineData("/playground/api/triage", "[]", "must be a JSON object")]
    [InlineData("/playground/api/triage", "{\"leadId\":\"bea\",\"requesterId\":\"dani\",\"text\":\"sql help\"}", "Beatriz Souza is not a Lead")]
    [InlineData("/playground/api/triage", "", "empty")]
    [InlineData("/playground/api/triage", "{\"leadId\":\"ana\",\"requesterId\":\"bia\",\"text\":\"sql \\ud800 join\"}", "not valid UTF-8 at $.text")]
    public async Task Api_UserMistake_Returns400WithJsonError(string path, string body, string expected)
    {
        var response = await _client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error").GetString();
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Contains(expected, error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("0001-W01")]
    [InlineData("9999-W01")]
    [InlineData("soon")]
    public async Task Digest_WeekOutOfRange_Returns400WithTheRange(string week)
    {
        var response = await _client.GetAsync($"/playground/api/digest/ana?week={week}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1900 to 9998", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digest_LastWeekOfTheRange_Answers()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/playground/api/digest/ana?week=9998-W52")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/playground/api/digest/ana?week=1900-W01")).StatusCode);
    }

    [Fact]
    public async Task Api_ChunkedBodyOverTheCap_Returns400TooLarge()
    {
        // No Content-Length: the cap is counted while reading, so a chunked upload cannot get past it.
        var text = new string('a', 70 * 1024);
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 0)); // no back-pressure: written before it is read
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("{\"leadId\":\"ana\",\"requesterId\":\"bia\",\"text\":\"" + text + "\"}"));
        await pipe.Writer.CompleteAsync();
        using var content = new StreamContent(pipe.Reader.AsStream()); // not seekable: sent without a Content-Length
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/playground/api/triage") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too large", (await response.JsonAsync()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_UnknownRequestAndBadOverride_Return400()
    {
        var unknown = await _client.PostJsonAsync($"/playground/api/requests/{Guid.NewGuid()}/take", new { leadId = "ana" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var triage = await _client.PostJsonAsync("/playground/api/triage", new { leadId = "ana", requesterId = "bia", text = "sql window function help" });
        var id = (await triage.JsonAsync()).GetProperty("card").GetProperty("requestId").GetString();
        var badQuestion = await _client.PostJsonAsync($"/playground/api/requests/{id}/override", new { leadId = "ana", question = "mood", value = "yes" });
        Assert.Equal(HttpStatusCode.BadRequest, badQuestion.StatusCode);
        var badValue = await _client.PostJsonAsync($"/playground/api/requests/{id}/override", new { leadId = "ana", question = "horizon", value = "yes" });
        Assert.Equal(HttpStatusCode.BadRequest, badValue.StatusCode);

        var good = await _client.PostJsonAsync($"/playground/api/requests/{id}/override", new { leadId = "ana", question = "skill", value = "yes" });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(2, (await good.JsonAsync()).GetProperty("card").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Api_CorrectTopic_RecomputesAndRejectsUnknownTopics()
    {
        var triage = await _client.PostJsonAsync("/playground/api/triage", new { leadId = "ana", requesterId = "bea", text = "did the loyalty emails make people reorder or would they have come back anyway?" });
        var card = (await triage.JsonAsync()).GetProperty("card");
        var id = card.GetProperty("requestId").GetString();
        Assert.Contains(card.GetProperty("actions").EnumerateArray(), a => a.GetString() == "correctTopic");
        Assert.True(card.GetProperty("topicChoices").GetArrayLength() >= 11);

        var unknown = await _client.PostJsonAsync($"/playground/api/requests/{id}/topic", new { leadId = "ana", topic = "astrology" });
        var missing = await _client.PostJsonAsync($"/playground/api/requests/{id}/topic", new { leadId = "ana" });
        var good = await _client.PostJsonAsync($"/playground/api/requests/{id}/topic", new { leadId = "ana", topic = "causal-inference" });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        var corrected = (await good.JsonAsync()).GetProperty("card");
        Assert.Equal("causal-inference", corrected.GetProperty("topicId").GetString());
        Assert.Equal(2, corrected.GetProperty("version").GetInt32());

        // The card with a topic also offers "no topic", which the playground's select lists like any other choice.
        Assert.Equal("(none)", corrected.GetProperty("topicChoices")[0].GetProperty("id").GetString());
        var none = await _client.PostJsonAsync($"/playground/api/requests/{id}/topic", new { leadId = "ana", topic = "(none)" });
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        var cleared = (await none.JsonAsync()).GetProperty("card");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cleared.GetProperty("topicId").ValueKind);
        Assert.Equal(3, cleared.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Api_WrongContentTypeOrUnknownPath_Answer4xxJson()
    {
        var form = await _client.PostAsync("/playground/api/triage", new StringContent("leadId=ana", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);

        var unknown = await _client.GetAsync("/playground/api/nothing/here");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.True((await unknown.JsonAsync()).TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Org_ReturnsTopicsPeopleTeamsAndNoProblems()
    {
        var org = await (await _client.GetAsync("/playground/api/org")).JsonAsync();

        Assert.Equal("org.yaml", org.GetProperty("source").GetString());
        Assert.Equal(0, org.GetProperty("problems").GetArrayLength());
        Assert.True(org.GetProperty("topics").GetArrayLength() > 0);
        Assert.True(org.GetProperty("teams").GetArrayLength() > 0);
        Assert.Contains(org.GetProperty("people").EnumerateArray(), p => p.GetProperty("isLead").GetBoolean());
    }

    [Fact]
    public async Task StaticFiles_PageScriptAndStyle_Served()
    {
        Assert.Equal("text/html", (await _client.GetAsync("/")).Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/javascript", (await _client.GetAsync("/playground/app.js")).Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/css", (await _client.GetAsync("/playground/app.css")).Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/playground/secret.txt")).StatusCode);
    }
}
