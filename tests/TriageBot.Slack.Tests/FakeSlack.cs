using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace TriageBot.Slack.Tests;

/// <summary>A fake Slack Web API on 127.0.0.1 (WireMock) answering ok for every method we call, recording the calls.</summary>
internal sealed class FakeSlack : IDisposable
{
    public FakeSlack()
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"], StartAdminInterface = false });
        Ok("chat.postMessage", """{"ok":true,"channel":"C1","ts":"1700000000.000100"}""");
        Ok("chat.postEphemeral", """{"ok":true,"message_ts":"1700000000.000200"}""");
        Ok("chat.update", """{"ok":true,"channel":"C1","ts":"1700000000.000100"}""");
        Ok("conversations.open", """{"ok":true,"channel":{"id":"D0DM"}}""");
        Ok("users.info", """{"ok":false,"error":"user_not_found"}""");
        Ok("users.lookupByEmail", """{"ok":false,"error":"users_not_found"}""");
        Ok("views.open", """{"ok":true,"view":{"id":"V1","hash":"h1"}}""");
        Ok("views.push", """{"ok":true,"view":{"id":"V2","hash":"h2"}}""");
        Ok("views.update", """{"ok":true,"view":{"id":"V1","hash":"h3"}}""");
        Ok("views.publish", """{"ok":true,"view":{"id":"VH","hash":"h4"}}""");
        Ok("chat.getPermalink", """{"ok":true,"permalink":"https://example.slack.com/archives/C1/p1"}""");
        Ok("files.getUploadURLExternal", $$"""{"ok":true,"upload_url":"{{BaseUrl}}upload/F123","file_id":"F123"}""");
        Ok("files.completeUploadExternal", """{"ok":true,"files":[{"id":"F123","title":"chart"}]}""");
        Server.Given(Request.Create().WithPath("/upload/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("OK - 123"));
        // response_url (hooks.slack.com/actions/… in real life; here on this server's origin, which the client trusts).
        Server.Given(Request.Create().WithPath("/actions/*").UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
    }

    /// <summary>A response_url on this server.</summary>
    public string ResponseUrl(string id) => Server.Urls[0] + "/actions/T0E2E/" + id;

    /// <summary>POSTs to response_urls, in order.</summary>
    public async Task<IReadOnlyList<WireMock.Logging.ILogEntry>> WaitForResponsesAsync(int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var calls = Server.LogEntries.Where(e => e.RequestMessage.Path.StartsWith("/actions/", StringComparison.Ordinal)).OrderBy(e => e.RequestMessage.DateTime).ToList();
            if (calls.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                return calls;
            }

            await Task.Delay(25);
        }
    }

    public WireMockServer Server { get; }

    public string BaseUrl => Server.Urls[0] + "/";

    public string ApiBaseUrl => Server.Urls[0] + "/api/";

    public void Ok(string method, string json, int priority = 10) =>
        Server.Given(Request.Create().WithPath("/api/" + method).UsingPost()).AtPriority(priority)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(json));

    /// <summary>Calls to a method, in order, as (body text, headers).</summary>
    /// <summary>A 200 with a JSON body, for response callbacks (a slow or counted Web API call).</summary>
    public static WireMock.ResponseMessage OkResponse(string json) => new()
    {
        StatusCode = 200,
        BodyData = new WireMock.Util.BodyData { BodyAsString = json, DetectedBodyType = WireMock.Types.BodyType.String },
    };

    public IReadOnlyList<WireMock.Logging.ILogEntry> Calls(string method) =>
        Server.LogEntries.Where(e => e.RequestMessage.Path == "/api/" + method).OrderBy(e => e.RequestMessage.DateTime).ToList();

    public static JsonObject Json(WireMock.Logging.ILogEntry entry) => JsonNode.Parse(entry.RequestMessage.Body!)!.AsObject();

    public static IReadOnlyDictionary<string, string> Form(WireMock.Logging.ILogEntry entry) =>
        Protocol.SlackFormParser.Parse(System.Text.Encoding.UTF8.GetBytes(entry.RequestMessage.Body ?? string.Empty));

    public async Task<IReadOnlyList<WireMock.Logging.ILogEntry>> WaitForCallsAsync(string method, int count, TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        while (true)
        {
            var calls = Calls(method);
            if (calls.Count >= count || clock.Elapsed > limit)
            {
                return calls;
            }

            await Task.Delay(25);
        }
    }

    /// <summary>chat.postMessage calls to one channel (the host's digest scheduler may DM Leads at start-up too).</summary>
    public IReadOnlyList<WireMock.Logging.ILogEntry> Posts(string channel) =>
        Calls("chat.postMessage").Where(c => (string?)Json(c)["channel"] == channel).ToList();

    public async Task<IReadOnlyList<WireMock.Logging.ILogEntry>> WaitForPostsAsync(string channel, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var posts = Posts(channel);
            if (posts.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                return posts;
            }

            await Task.Delay(25);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Server.Stop();
}
