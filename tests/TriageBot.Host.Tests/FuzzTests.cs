using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Slack.Protocol;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Xunit.Abstractions;

namespace TriageBot.Host.Tests;

/// <summary>
/// Seeded mutation fuzzing of both chat endpoints through the real host: <c>POST /slack/events</c> with valid signatures
/// and <c>POST /api/messages</c> in Teams test mode (no app id, loopback). Valid requests are mutated (values replaced by
/// nulls, [null], huge strings, wrong types, HTML made of script tags, deep nesting; properties removed or repeated;
/// lone surrogate escapes, invalid UTF-8 bytes, truncation) and no answer may be a 5xx. The Slack Web API and the Bot
/// Connector are fakes on 127.0.0.1 that accept everything.
/// </summary>
/// <remarks>
/// Deterministic by default (a fixed seed, a few hundred cases per endpoint, well under a minute). For a longer hunt:
/// <c>TRIAGEBOT_FUZZ_SEED=123 TRIAGEBOT_FUZZ_CASES=5000 dotnet test tests/TriageBot.Host.Tests --filter FuzzTests</c>;
/// a failure names the seed and the case to replay.
/// </remarks>
public sealed class FuzzTests : IAsyncLifetime
{
    private const string SigningSecret = "fuzz-signing-secret";
    private const string BotId = "28:00000000-aaaa-bbbb-cccc-000000000b07";

    private readonly WireMockServer _fake = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"], StartAdminInterface = false });
    private readonly ITestOutputHelper _output;
    private TestApp _app = null!;

    public FuzzTests(ITestOutputHelper output) => _output = output;
    private HttpClient _client = null!;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("TRIAGEBOT_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 20261127;

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("TRIAGEBOT_FUZZ_CASES"), CultureInfo.InvariantCulture, out var n) ? n : 1000;

    private string FakeUrl => _fake.Urls[0].TrimEnd('/');

    public Task InitializeAsync()
    {
        // Slack Web API and Bot Connector: everything succeeds.
        _fake.Given(Request.Create().UsingAnyMethod().WithPath("/api/*"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"ts":"1700000000.000100","view":{"id":"V1","hash":"h1"},"permalink":"https://example.slack.com/p1"}"""));
        _fake.Given(Request.Create().UsingAnyMethod().WithPath("/amer/*"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"1:sent"}"""));

        _app = new TestApp(
            new Dictionary<string, string?>
            {
                ["TriageBot:Slack:SigningSecret"] = SigningSecret,
                ["TriageBot:Slack:BotToken"] = "xoxb-fuzz",
                ["TriageBot:Slack:ApiBaseUrl"] = FakeUrl + "/api/",
                ["TriageBot:Teams:RetryBaseDelay"] = "00:00:00.010",
                ["TriageBot:Playground:Enabled"] = "false",
                ["TriageBot:Workers:Enabled"] = "false",
                ["Serilog:MinimumLevel:Default"] = "Error",
            },
            services: s => s.AddTransient<IStartupFilter, LoopbackFilter>());
        _client = _app.CreateClient();
        _client.Timeout = TimeSpan.FromSeconds(30);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _fake.Stop();
        _fake.Dispose();
    }

    [Fact]
    public async Task SlackEvents_MutatedSignedRequests_NeverA5xx()
    {
        var seeds = SlackSeeds();
        var failures = new List<string>();
        var statuses = new List<int>();
        var mutator = new Mutator(new Random(Seed));
        for (var i = 0; i < Cases && failures.Count < 5; i++)
        {
            var (contentType, body) = seeds[i % seeds.Count];
            var mutated = contentType.Contains("json", StringComparison.Ordinal)
                ? mutator.MutateJson(WithFreshIds(body, i))
                : mutator.MutateForm(body, i);
            var status = await StatusOfAsync(() => PostSlackAsync(mutated, contentType));
            statuses.Add(status);
            if (status >= 500)
            {
                failures.Add(Describe(i, status, mutated));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        AssertReachedTheHandlers(statuses);
    }

    [Fact]
    public async Task TeamsMessages_MutatedActivities_NeverA5xx()
    {
        var seeds = TeamsSeeds();
        var failures = new List<string>();
        var statuses = new List<int>();
        var mutator = new Mutator(new Random(Seed));
        for (var i = 0; i < Cases && failures.Count < 5; i++)
        {
            var seed = seeds[i % seeds.Count].DeepClone().AsObject();
            // Fresh ids: no deduplication between cases, and no conversation paced by the earlier ones (7 a second).
            seed["id"] = "fuzz-" + i.ToString(CultureInfo.InvariantCulture);
            seed["conversation"]!["id"] = "a:fuzz-" + i.ToString(CultureInfo.InvariantCulture);
            var mutated = mutator.MutateJson(seed);
            var status = await StatusOfAsync(async () =>
            {
                using var content = new ByteArrayContent(mutated);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                return await _client.PostAsync("/api/messages", content);
            });
            statuses.Add(status);
            if (status >= 500)
            {
                failures.Add(Describe(i, status, mutated));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        AssertReachedTheHandlers(statuses);
    }

    /// <summary>A fuzzer whose every case is refused at the door tests nothing: most cases must be accepted.</summary>
    private void AssertReachedTheHandlers(List<int> statuses)
    {
        var summary = string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        _output.WriteLine(summary);
        Assert.True(statuses.Count(s => s is >= 200 and < 300) >= statuses.Count / 3, "Too few cases were accepted (the fuzzer mostly tests the parser): " + summary);
    }

    /// <summary>
    /// The status of a response. The in-memory server hands an exception the app did not handle to the caller instead of
    /// a 500; it counts as one (as does no answer within the client's timeout), with the exception written to the output.
    /// </summary>
    private async Task<int> StatusOfAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            return (int)response.StatusCode;
        }
        catch (Exception ex)
        {
            _output.WriteLine(ex.ToString());
            return 500;
        }
    }

    private static string Describe(int index, int status, byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return $"seed {Seed}, case {index}: {status} for a {body.Length}-byte body: {(text.Length > 600 ? text[..600] + "…" : text)}";
    }

    private async Task<HttpResponseMessage> PostSlackAsync(byte[] body, string contentType)
    {
        var ts = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignatureVerifier.Sign(SigningSecret, ts, body));
        return await _client.SendAsync(request);
    }

    private static JsonObject WithFreshIds(string json, int index)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        if (node["event_id"] is not null)
        {
            node["event_id"] = "EvFUZZ" + index.ToString(CultureInfo.InvariantCulture);
        }

        return node;
    }

    private static List<(string ContentType, string Body)> SlackSeeds()
    {
        const string Json = "application/json";
        const string Form = "application/x-www-form-urlencoded";
        static string Event(string inner) =>
            """{"token":"t","team_id":"T0FUZZ","api_app_id":"A1","type":"event_callback","event_id":"Ev0","event_time":1700000000,"authorizations":[{"team_id":"T0FUZZ","user_id":"U0BOT","is_bot":true,"is_enterprise_install":false}],"event":""" + inner + "}";
        static string Interaction(string json) => "payload=" + Uri.EscapeDataString(json);
        var seeds = new List<(string, string)>
        {
            (Json, Event("""{"type":"message","channel":"D0ANA","user":"U01ANA","text":"Can you review my difference in differences analysis for the launch?","ts":"1700000000.000200","event_ts":"1700000000.000200","channel_type":"im"}""")),
            (Json, Event("""{"type":"app_mention","channel":"C0HELP","user":"U01ANA","text":"<@U0BOT> who owns the events table access?","ts":"1700000000.000300","event_ts":"1700000000.000300","attachments":[{"is_share":true,"author_id":"U01DANI","text":"How do I deploy my churn model?","from_url":"https://x.slack.com/p1"}]}""")),
            (Json, Event("""{"type":"app_home_opened","user":"U01ANA","channel":"D0ANA","tab":"home","event_ts":"1700000000.000400"}""")),
            (Json, """{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"""),
            (Json, """{"type":"app_rate_limited","team_id":"T0FUZZ","minute_rate_limited":1518467820}"""),
            (Form, "token=t&team_id=T0FUZZ&channel_id=C0HELP&user_id=U01ANA&user_name=ana&command=%2Ftriage&text=who%20can%20help%20with%20uplift%20modelling&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=1.2.3"),
            (Form, "token=t&team_id=T0FUZZ&channel_id=C0HELP&user_id=U01ANA&user_name=ana&command=%2Ftriage&text=log%2045m%20pairing&trigger_id=1.2.3"),
            (Form, "token=t&team_id=T0FUZZ&channel_id=C0HELP&user_id=U01ANA&command=%2Ftriage&text=settings&trigger_id=1.2.3"),
            (Form, Interaction("""{"type":"message_action","team":{"id":"T0FUZZ"},"user":{"id":"U01ANA","team_id":"T0FUZZ"},"channel":{"id":"C0HELP"},"callback_id":"triage_message","trigger_id":"1.2.3","message_ts":"1700000000.000100","message":{"type":"message","text":"How do I deploy my churn model to production with the feature store?","user":"U01DANI","ts":"1700000000.000100"},"response_url":"https://hooks.slack.com/app/T0FUZZ/1/x"}""")),
            (Form, Interaction("""{"type":"block_actions","team":{"id":"T0FUZZ"},"user":{"id":"U01ANA","team_id":"T0FUZZ"},"trigger_id":"1.2.3","container":{"type":"message","message_ts":"1.1","channel_id":"C0HELP"},"actions":[{"type":"button","action_id":"tb_take","block_id":"tb_actions","value":"00000000-0000-0000-0000-000000000000","action_ts":"1.2"}],"response_url":"https://hooks.slack.com/actions/T0FUZZ/1/x"}""")),
            (Form, Interaction("""{"type":"view_submission","team":{"id":"T0FUZZ"},"user":{"id":"U01ANA","team_id":"T0FUZZ"},"view":{"id":"V2","type":"modal","callback_id":"tb_settings","private_metadata":"{}","state":{"values":{"tb_budget":{"value":{"type":"plain_text_input","value":"6"}}}}}}""")),
        };

        // The documented examples the parser tests use.
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Slack");
        foreach (var file in Directory.EnumerateFiles(fixtures).Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            if (file.EndsWith(".form", StringComparison.Ordinal))
            {
                seeds.Add((Form, text.Trim()));
            }
            else if (file.EndsWith(".json", StringComparison.Ordinal))
            {
                var json = JsonNode.Parse(text, documentOptions: new System.Text.Json.JsonDocumentOptions { AllowTrailingCommas = true })!.ToJsonString();
                seeds.Add(json.Contains("\"event_callback\"", StringComparison.Ordinal) || json.Contains("url_verification", StringComparison.Ordinal) ? (Json, json) : (Form, Interaction(json)));
            }
        }

        return seeds;
    }

    private List<JsonObject> TeamsSeeds()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Teams");
        var seeds = Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonNode.Parse(File.ReadAllText(f)
                .Replace("https://smba.trafficmanager.net/amer/", FakeUrl + "/amer/", StringComparison.Ordinal)
                .Replace("{{requestId}}", Guid.NewGuid().ToString(), StringComparison.Ordinal))!.AsObject())
            .ToList();
        Assert.NotEmpty(seeds);

        // The message extension on an HTML body made of script tags, a channel mention and a few commands.
        var fetch = seeds.First(s => (string?)s["name"] == "composeExtension/fetchTask").DeepClone().AsObject();
        fetch["value"]!["messagePayload"]!["body"] = new JsonObject { ["contentType"] = "html", ["content"] = string.Concat(Enumerable.Repeat("<script>", 3500)) };
        seeds.Add(fetch);
        foreach (var text in new[] { "who can help with uplift modelling", "log 45m pairing", "done", "digest", "budget 7", "settings", $"<at>TriageBot</at> help" })
        {
            var message = seeds.First(s => (string?)s["type"] == "message" && s["text"] is not null).DeepClone().AsObject();
            message["text"] = text;
            message["entities"] = new JsonArray(new JsonObject { ["type"] = "mention", ["text"] = "<at>TriageBot</at>", ["mentioned"] = new JsonObject { ["id"] = BotId } });
            seeds.Add(message);
        }

        return seeds;
    }

    /// <summary>Makes hostile variants of valid requests; deterministic for a given <see cref="Random"/>.</summary>
    private sealed class Mutator(Random rng)
    {
        private static readonly string Huge = new('x', 120_000);
        private static readonly string Scripts = string.Concat(Enumerable.Repeat("<script>", 3500));
        private static readonly string[] Types = ["message", "invoke", "conversationUpdate", "installationUpdate", "event_callback", "url_verification", "block_actions", "view_submission", "message_action", "shortcut", "app_mention", "app_home_opened", "view_closed", "typing", ""];
        private static readonly string[] Names = ["composeExtension/fetchTask", "composeExtension/submitAction", "adaptiveCard/action", "task/fetch", "signin/verifyState", ""];

        public byte[] MutateJson(JsonObject root)
        {
            var rounds = 1 + rng.Next(3);
            for (var r = 0; r < rounds; r++)
            {
                MutateTree(root);
            }

            var text = root.ToJsonString();
            if (rng.Next(7) == 0)
            {
                text = MutateText(text);
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            return rng.Next(20) == 0 ? MutateBytes(bytes) : bytes;
        }

        public byte[] MutateForm(string form, int index)
        {
            var pairs = form.Split('&').Select(p => p.Split('=', 2)).Select(p => (Key: p[0], Value: p.Length > 1 ? p[1] : string.Empty)).ToList();
            var payload = pairs.FindIndex(p => p.Key == "payload");
            if (payload >= 0 && rng.Next(5) != 0)
            {
                // Interactions: mutate the JSON inside the payload field.
                var json = JsonNode.Parse(Uri.UnescapeDataString(pairs[payload].Value.Replace('+', ' ')))!.AsObject();
                var mutated = Encoding.UTF8.GetString(MutateJson(json));
                pairs[payload] = ("payload", rng.Next(8) == 0 ? mutated : Uri.EscapeDataString(mutated));
            }
            else
            {
                var i = rng.Next(pairs.Count);
                pairs[i] = rng.Next(6) switch
                {
                    0 => (pairs[i].Key, string.Empty),
                    1 => (pairs[i].Key, Uri.EscapeDataString(Huge)),
                    2 => (pairs[i].Key, "%FF%FE%C3"),
                    3 => (pairs[i].Key, "%ZZ%" + pairs[i].Value),
                    4 => (pairs[i].Key, Uri.EscapeDataString(Scripts)),
                    _ => (pairs[i].Key + "&" + pairs[i].Key, pairs[i].Value),
                };
                if (rng.Next(4) == 0)
                {
                    pairs.RemoveAt(rng.Next(pairs.Count));
                }
            }

            var text = string.Join('&', pairs.Select(p => p.Key + "=" + p.Value)) + "&n=" + index.ToString(CultureInfo.InvariantCulture);
            var bytes = Encoding.UTF8.GetBytes(text);
            return rng.Next(10) == 0 ? MutateBytes(bytes) : bytes;
        }

        private void MutateTree(JsonObject root)
        {
            var slots = new List<(JsonNode Parent, string? Key, int Index)>();
            Collect(root, slots);
            if (slots.Count == 0)
            {
                return;
            }

            var (parent, key, index) = slots[rng.Next(slots.Count)];
            var current = key is not null ? parent[key] : parent[index];
            JsonNode? replacement = rng.Next(20) switch
            {
                0 when key is not null => Remove(parent.AsObject(), key),
                1 when key == "type" => Types[rng.Next(Types.Length)],
                1 when key == "name" => Names[rng.Next(Names.Length)],
                2 => current is null ? null : new JsonArray(current.DeepClone(), null),
                3 or 4 => Interesting(),
                // Mostly values of the same kind, so that the request still maps and reaches the handlers.
                _ => current switch
                {
                    JsonObject => rng.Next(2) == 0 ? null : new JsonObject(),
                    JsonArray => rng.Next(3) switch { 0 => new JsonArray((JsonNode?)null), 1 => new JsonArray(), _ => null },
                    JsonValue v when v.TryGetValue<string>(out _) => SameKindString(),
                    JsonValue v when v.TryGetValue<bool>(out var b) => !b,
                    JsonValue => rng.Next(3) switch { 0 => -1, 1 => 0, _ => 1e300 },
                    _ => Interesting(),
                },
            };
            if (key is not null && parent is JsonObject obj && obj.ContainsKey(key))
            {
                obj[key] = replacement;
            }
            else if (key is null)
            {
                parent.AsArray()[index] = replacement;
            }
        }

        private static JsonNode? Remove(JsonObject parent, string key)
        {
            parent.Remove(key);
            return null;
        }

        private JsonNode? Interesting() => rng.Next(16) switch
        {
            0 => null,
            1 => new JsonArray((JsonNode?)null),
            2 => new JsonObject(),
            3 => new JsonArray(),
            4 => string.Empty,
            5 => Huge,
            6 => -1,
            7 => 1e300,
            8 => true,
            9 => Scripts,
            10 => Deep(70),
            11 => "29:" + new string('9', 5000),
            12 => new JsonObject { ["id"] = null, ["name"] = Huge },
            13 => "https://127.0.0.1:1/" + new string('u', 3000),
            14 => "<at>TriageBot</at> " + new string('<', 500),
            _ => Guid.NewGuid().ToString(),
        };

        private string SameKindString() => rng.Next(10) switch
        {
            0 => string.Empty,
            1 => Huge,
            2 => Scripts,
            3 => "29:" + new string('9', 5000),
            4 => "<at>TriageBot</at> " + new string('<', 500),
            5 => " \t\r\n ",
            6 => "log 99999999999h",
            7 => "&#xD800;&#0;&amp;&lt;script&gt;é\u2028",
            8 => "who " + Huge,
            _ => Guid.NewGuid().ToString(),
        };

        private static JsonNode Deep(int depth)
        {
            JsonNode node = new JsonArray();
            for (var i = 0; i < depth; i++)
            {
                node = new JsonArray(node);
            }

            return node;
        }

        private string MutateText(string text)
        {
            switch (rng.Next(4))
            {
                case 0:
                    {
                        // A lone surrogate escape at the start of a string value.
                        var at = RandomIndexOf(text, ":\"");
                        return at < 0 ? text : text.Insert(at + 2, rng.Next(2) == 0 ? "\\ud800" : "\\udfff");
                    }

                case 1:
                    {
                        // A repeated property name.
                        var at = RandomIndexOf(text, "{\"");
                        var end = at < 0 ? -1 : text.IndexOf("\":", at, StringComparison.Ordinal);
                        return end < 0 ? text : text.Insert(end + 2, "null," + text[(at + 1)..(end + 2)]);
                    }

                case 2:
                    return text[..rng.Next(text.Length)];
                default:
                    return text.Replace("\"", "\"" + new string(' ', rng.Next(3)), StringComparison.Ordinal);
            }
        }

        private int RandomIndexOf(string text, string value)
        {
            var starts = new List<int>();
            for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
            {
                starts.Add(i);
            }

            return starts.Count == 0 ? -1 : starts[rng.Next(starts.Count)];
        }

        private byte[] MutateBytes(byte[] bytes)
        {
            if (bytes.Length == 0)
            {
                return bytes;
            }

            var copy = (byte[])bytes.Clone();
            var count = 1 + rng.Next(3);
            for (var i = 0; i < count; i++)
            {
                copy[rng.Next(copy.Length)] = (byte)(rng.Next(3) switch { 0 => 0xFF, 1 => 0xC3, _ => 0x80 });
            }

            return copy;
        }

        private static void Collect(JsonNode node, List<(JsonNode, string?, int)> slots)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o.ToList())
                    {
                        slots.Add((o, key, -1));
                        if (value is not null)
                        {
                            Collect(value, slots);
                        }
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        slots.Add((a, null, i));
                        if (a[i] is { } item)
                        {
                            Collect(item, slots);
                        }
                    }

                    break;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The in-memory server has no sockets: requests are made to arrive on 127.0.0.1 (Teams test mode).</summary>
    private sealed class LoopbackFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.LocalIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
