using System.Text.Json;
using TriageBot.Slack.Protocol;

// Verify and parse only, the "bare endpoint" the load test compares against (see the csproj). Same signature check and
// form parser as TriageBot; the body is read whole (the load test's bodies are a few hundred bytes).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var secret = Environment.GetEnvironmentVariable("SLACK_SIGNING_SECRET")
    ?? throw new InvalidOperationException("Set SLACK_SIGNING_SECRET to the load test's signing secret.");
var verifier = new SlackSignatureVerifier(secret, TimeProvider.System);

app.MapPost("/slack/events", async (HttpContext http) =>
{
    using var buffer = new MemoryStream();
    await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
    var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    var check = verifier.Verify(http.Request.Headers["X-Slack-Request-Timestamp"], http.Request.Headers["X-Slack-Signature"], body.Span);
    if (check != SignatureCheck.Valid)
    {
        return Results.StatusCode(StatusCodes.Status401Unauthorized);
    }

    var form = SlackFormParser.Parse(body.Span);
    form.TryGetValue("text", out var text);
    return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
    {
        ["response_type"] = "ephemeral",
        ["text"] = "ok: " + text,
    }), "application/json");
});

// The same process doubles as the load test's reply sink: TriageBot's queue worker posts each decision to the command's
// response_url, which the script points here. Slack answers a response_url POST with a plain "ok".
var replies = 0L;
app.MapPost("/commands/{**rest}", () =>
{
    Interlocked.Increment(ref replies);
    return Results.Text("ok");
});
app.MapGet("/_stats", () => Results.Json(new Dictionary<string, long> { ["replies"] = Interlocked.Read(ref replies) }));

app.Run();
