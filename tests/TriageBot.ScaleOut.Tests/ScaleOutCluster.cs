using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using TriageBot.Engine.Org;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace TriageBot.ScaleOut.Tests;

/// <summary>
/// Three real host processes on 127.0.0.1 sharing one fresh PostgreSQL database, with a fake Slack Web API (WireMock) on
/// 127.0.0.1. Every Lead's digest is due at once (a copy of the sample org with all digests on Monday 00:00, the default too),
/// so the three digest schedulers race for the same deliveries as soon as a Slack tenant is active.
/// </summary>
public sealed class ScaleOutCluster : IAsyncLifetime
{
    public const string Secret = "scale-out-signing-secret";
    public const string TeamId = "T0SCALE";
    public const string Tenant = "slack:" + TeamId;
    public const string BotUserId = "U0BOT";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<HostProcess> _hosts = [];
    private string? _adminConnection;
    private string? _databaseName;
    private string? _orgDir;
    private bool _disposed;

    public WireMockServer Slack { get; private set; } = null!;

    public IReadOnlyList<HostProcess> Hosts => _hosts;

    // Generous: a replica must never see this client give up mid-request (that would be a different test, see the report).
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Leads of the org with a Slack id (the ones a Slack digest can reach).</summary>
    public IReadOnlyList<Person> SlackLeads { get; private set; } = [];

    /// <summary>All Leads of the org.</summary>
    public IReadOnlyList<Person> Leads { get; private set; } = [];

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string DigestChannel(string slackUserId) => "DDIG" + slackUserId;

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // A replica that does not start must not leave processes or the database behind.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        _adminConnection = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable);
        if (string.IsNullOrWhiteSpace(_adminConnection))
        {
            return; // The tests skip themselves.
        }

        // A fresh database for this run (isolation from other suites sharing the server); dropped in DisposeAsync.
        _databaseName = $"triagebot_scale_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(_adminConnection))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_databaseName}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnection) { Database = _databaseName, Pooling = false }.ConnectionString;

        // The sample org with every digest due now: Monday 00:00 in each Lead's timezone has always passed in the current
        // ISO week, and the previous week's Monday is more than the 3-day catch-up window ago, so exactly one week is due.
        var sample = await File.ReadAllTextAsync(Path.Combine(RepoRoot, "deploy", "sample", "org.yaml"));
        var digestLine = new Regex(@"digest:\s*\{[^}]*\}", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        Assert.True(digestLine.IsMatch(sample), "the sample org has per-Lead digest schedules to override");
        var orgYaml = digestLine.Replace(sample, "digest: {day: monday, time: \"00:00\"}");
        _orgDir = Directory.CreateTempSubdirectory("triagebot-scale-org-").FullName;
        var orgPath = Path.Combine(_orgDir, "org.yaml");
        await File.WriteAllTextAsync(orgPath, orgYaml);
        var org = OrgParser.LoadFile(orgPath);
        Assert.True(org.IsValid, "org copy is valid: " + string.Join("; ", org.Problems));
        Leads = org.Directory!.Leads.ToList();
        SlackLeads = Leads.Where(l => !string.IsNullOrEmpty(l.Identities.IdOn(IdentityPlatforms.Slack))).ToList();

        StartFakeSlack();

        var hostDll = Path.Combine(AppContext.BaseDirectory, "TriageBot.Host.dll");
        Assert.True(File.Exists(hostDll), $"{hostDll} exists (built through the ProjectReference)");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["TriageBot__Storage__Provider"] = "postgres",
            ["TriageBot__Understanding__Embeddings"] = "false",
            ["TriageBot__Storage__ConnectionString"] = ConnectionString,
            ["TriageBot__DataProtectionKeys"] = "database",
            ["TriageBot__Slack__SigningSecret"] = Secret,
            ["TriageBot__Slack__BotToken"] = "xoxb-scale-out",
            ["TriageBot__Slack__ApiBaseUrl"] = Slack.Urls[0] + "/api/",
            ["TriageBot__Slack__PostMessageInterval"] = "00:00:00.010",
            ["TriageBot__Org__Path"] = orgPath,
            ["TriageBot__Org__Watch"] = "false",
            ["TriageBot__Playground__Enabled"] = "false",
            ["TriageBot__Digest__DefaultDay"] = "Monday",
            ["TriageBot__Digest__DefaultTime"] = "00:00",
            ["TriageBot__Workers__Enabled"] = "true",
            ["TriageBot__Workers__QueuePollInterval"] = "00:00:00.200",
            ["TriageBot__Workers__DigestInterval"] = "00:00:01",
            ["Serilog__MinimumLevel__Default"] = "Information",
            ["Serilog__MinimumLevel__Override__TriageBot.Host.WarmUp"] = "Debug", // each warm-up step's time, when a start is slow
        };

        // Started together: the three race for the migrations too (the storage takes an advisory lock for that).
        for (var i = 1; i <= 3; i++)
        {
            _hosts.Add(new HostProcess($"replica{i}", hostDll, environment));
        }

        await Task.WhenAll(_hosts.Select(h => h.WaitReadyAsync(Http, StartTimeout)));
    }

    public async Task DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // Always: the processes, the fake Slack, the database and the temp org.
        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        Slack?.Stop();
        Http.Dispose();
        if (_databaseName is not null && _adminConnection is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(_adminConnection);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        if (_orgDir is not null)
        {
            Directory.Delete(_orgDir, recursive: true);
        }
    }

    /// <summary>Everything the replicas printed, for assertion messages.</summary>
    public string Logs() => string.Join("\n", _hosts.Select(h => h.Tail()));

    /// <summary>Calls to a Slack Web API method so far.</summary>
    public IReadOnlyList<ILogEntry> Calls(string method) =>
        Slack.LogEntries.Where(e => e.RequestMessage.Path == "/api/" + method).OrderBy(e => e.RequestMessage.DateTime).ToList();

    /// <summary>POSTs a body to a replica's /slack/events, signed as Slack does (v0, HMAC-SHA256 of "v0:ts:body").</summary>
    public async Task<HttpResponseMessage> PostEventAsync(HostProcess host, string json, int? retryNum = null)
    {
        var ts = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(json);
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"v0:{ts}:").Concat(body).ToArray()));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, "slack/events")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", signature);
        if (retryNum is not null)
        {
            request.Headers.Add("X-Slack-Retry-Num", retryNum.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

        return await Http.SendAsync(request);
    }

    /// <summary>A signed-able <c>message.im</c> event_callback from a user in their DM with the bot.</summary>
    public static string ImEvent(string eventId, string user, string channel, string text) => $$$"""
        {"token":"t","team_id":"{{{TeamId}}}","api_app_id":"A0SCALE","type":"event_callback","event_id":"{{{eventId}}}","event_time":1700000000,
         "authorizations":[{"team_id":"{{{TeamId}}}","user_id":"{{{BotUserId}}}","is_bot":true,"is_enterprise_install":false}],
         "event":{"type":"message","channel":"{{{channel}}}","user":"{{{user}}}","text":{{{System.Text.Json.JsonSerializer.Serialize(text)}}},"ts":"1700000000.000200","event_ts":"1700000000.000200","channel_type":"im"}}
        """;

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<(string LeadId, string Week, string Status, int Claims)>> DeliveriesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT lead_id, week, status, claims FROM digest_deliveries WHERE tenant = @tenant ORDER BY lead_id, week", connection);
        command.Parameters.AddWithValue("tenant", Tenant);
        var rows = new List<(string, string, string, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), Convert.ToInt32(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    /// <summary>Polls a condition until it holds or the deadline passes; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100);
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void StartFakeSlack()
    {
        Slack = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"], StartAdminInterface = false });
        Ok("auth.test", $$"""{"ok":true,"url":"https://scale.slack.com/","team":"Scale","user":"triagebot","team_id":"{{TeamId}}","user_id":"{{BotUserId}}","bot_id":"B0BOT"}""");
        Ok("chat.postMessage", """{"ok":true,"channel":"D0","ts":"1700000000.000100"}""");
        Ok("chat.postEphemeral", """{"ok":true,"message_ts":"1700000000.000200"}""");
        Ok("chat.update", """{"ok":true,"channel":"D0","ts":"1700000000.000100"}""");
        Ok("conversations.open", """{"ok":true,"channel":{"id":"D0OTHER"}}""");
        Ok("users.info", """{"ok":false,"error":"user_not_found"}""");
        Ok("users.lookupByEmail", """{"ok":false,"error":"users_not_found"}""");
        Ok("views.open", """{"ok":true,"view":{"id":"V1","hash":"h1"}}""");
        Ok("views.push", """{"ok":true,"view":{"id":"V2","hash":"h2"}}""");
        Ok("views.update", """{"ok":true,"view":{"id":"V1","hash":"h3"}}""");
        Ok("views.publish", """{"ok":true,"view":{"id":"VH","hash":"h4"}}""");
        Ok("chat.getPermalink", """{"ok":true,"permalink":"https://scale.slack.com/archives/C1/p1"}""");
        Ok("files.getUploadURLExternal", $$"""{"ok":true,"upload_url":"{{Slack.Urls[0]}}/upload/F123","file_id":"F123"}""");
        Ok("files.completeUploadExternal", """{"ok":true,"files":[{"id":"F123","title":"chart"}]}""");
        Slack.Given(Request.Create().WithPath("/upload/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("OK - 123"));

        // Each Lead's DM channel is distinct, so messages can be counted per Lead.
        foreach (var lead in SlackLeads)
        {
            Slack.Given(Request.Create().WithPath("/api/conversations.open").UsingPost().WithBody(new WildcardMatcher($"*\"{lead.Identities.IdOn(IdentityPlatforms.Slack)}\"*")))
                .AtPriority(1)
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody($$$"""{"ok":true,"channel":{"id":"{{{DigestChannel(lead.Identities.IdOn(IdentityPlatforms.Slack)!)}}}"}}"""));
        }
    }

    private void Ok(string method, string json) =>
        Slack.Given(Request.Create().WithPath("/api/" + method).UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(json));

    private static string FindRepoRoot()
    {
        var starts = new List<string?>
        {
            typeof(ScaleOutCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "SourceDirectory")?.Value,
            AppContext.BaseDirectory,
            Directory.GetCurrentDirectory(),
        };
        foreach (var start in starts.Where(s => s is not null))
        {
            for (var dir = new DirectoryInfo(start!); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("TriageBot.sln not found above the test project.");
    }
}
