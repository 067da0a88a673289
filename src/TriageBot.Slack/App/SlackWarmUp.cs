using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Org;
using TriageBot.Engine.Ports;
using TriageBot.Engine.Queue;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.App;

/// <summary>
/// Runs the Events API acknowledgement path before the instance reports ready, so its code is compiled (and its
/// statements prepared) before Slack's first delivery. First the signature check, parsing, the transport and the router
/// on the bot's own mention (ignored before any claim). Then, when the storage can rehearse (<see cref="IStorageRehearsal"/>,
/// PostgreSQL), <see cref="Rehearsals"/> whole acknowledgements of a Lead's mention or DM — claim, triage, the stored
/// request and decision, the card, the queued reply and the worker sending it — each rolled back, so nothing is stored
/// and nothing is sent. Last (<see cref="IHttpWarmUp"/>), signed deliveries through this instance's own endpoint.
/// Measured with <c>tests/load/pg-load.sh</c> (docs/operations.md): with only the first part, three replicas answered
/// the first seconds of 100 events/s in up to 2 s; the rehearsals alone or the HTTP part alone did not remove that tail;
/// both together did.
/// </summary>
public sealed partial class SlackWarmUp : IWarmUp, IHttpWarmUp
{
    /// <summary>Whole acknowledgements rehearsed (and rolled back) at start, when the storage can.</summary>
    public const int Rehearsals = 20;

    private const string Tenant = "TWARMUP";

    private static readonly string[] Texts =
    [
        "warm-up: can you help me design the analysis for next quarter's launches?",
        "warm-up: the nightly job failed again, who owns it?",
        "warm-up: quick question about a query that times out",
        "warm-up: could someone review my model before Friday?",
    ];

    private readonly SlackTransport _transport;
    private readonly SlackSignatureVerifier _verifier;
    private readonly IOptions<SlackOptions> _options;
    private readonly TimeProvider _time;
    private readonly IOrgProvider? _org;
    private readonly IStorageRehearsal? _rehearsal;
    private readonly IWorkQueue? _queue;
    private readonly SlackWorkHandler? _worker;
    private readonly ILogger<SlackWarmUp>? _log;

    /// <summary>Creates the warm-up; without an org or a storage that can rehearse, only the first part runs.</summary>
    public SlackWarmUp(SlackTransport transport, SlackSignatureVerifier verifier, IOptions<SlackOptions> options, TimeProvider time,
        IOrgProvider? org = null, IStorageRehearsal? rehearsal = null, IWorkQueue? queue = null, SlackWorkHandler? worker = null,
        ILogger<SlackWarmUp>? log = null)
    {
        _log = log;
        _transport = transport;
        _verifier = verifier;
        _options = options;
        _time = time;
        _org = org;
        _rehearsal = rehearsal;
        _queue = queue;
        _worker = worker;
    }

    /// <summary>How many acknowledgements the last run rehearsed (0 when the storage cannot).</summary>
    public int Rehearsed { get; private set; }

    /// <inheritdoc />
    public string Name => "slack";

    /// <inheritdoc />
    public async Task WarmUpAsync(CancellationToken ct)
    {
        var secret = _options.Value.SigningSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return; // no HTTP mode: nothing comes through /slack/events
        }

        var ts = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        foreach (var text in (string[])["{\"token\":\"x\",\"challenge\":\"warmup\",\"type\":\"url_verification\"}", OwnMention(ts)])
        {
            var body = Encoding.UTF8.GetBytes(text);
            if (_verifier.Verify(ts, Sign(hmac, ts, text), body) != SignatureCheck.Valid)
            {
                return;
            }

            _ = await _transport.HandleAsync(SlackInboundParser.Parse("application/json", body), ct);
        }

        await RehearseAsync(ts, ct);
    }

    /// <summary>HTTP requests sent through this instance's own endpoint.</summary>
    public const int HttpRequestCount = 20;

    /// <summary>
    /// <see cref="HttpRequestCount"/> signed deliveries of the bot's own mention for <c>POST /slack/events</c> on this
    /// instance (Kestrel, body limits, the signature check on the raw body, parsing from the stream). The router ignores
    /// the bot's own messages before any claim: nothing is stored or sent. None without a signing secret (no HTTP mode).
    /// </summary>
    public IReadOnlyList<WarmUpRequest> HttpRequests()
    {
        var secret = _options.Value.SigningSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return [];
        }

        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var ts = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var text = OwnMention(ts);
        KeyValuePair<string, string>[] headers = [new("X-Slack-Request-Timestamp", ts), new("X-Slack-Signature", Sign(hmac, ts, text))];
        return [.. Enumerable.Repeat(new WarmUpRequest("POST", "/slack/events", "application/json", text, headers), HttpRequestCount)];
    }

    // The bot mentioning itself: parsed, verified and routed, then ignored before any claim or store.
    private static string OwnMention(string ts) =>
        "{\"token\":\"x\",\"team_id\":\"" + Tenant + "\",\"api_app_id\":\"AWARMUP\",\"type\":\"event_callback\",\"event_id\":\"EvWARMUP\"," +
        "\"event_time\":" + ts + ",\"authorizations\":[{\"team_id\":\"" + Tenant + "\",\"user_id\":\"UWARMUPBOT\",\"is_bot\":true}]," +
        "\"event\":{\"type\":\"app_mention\",\"user\":\"UWARMUPBOT\",\"text\":\"<@UWARMUPBOT> warm-up\",\"ts\":\"" + ts + ".000100\"," +
        "\"event_ts\":\"" + ts + ".000100\",\"channel\":\"CWARMUP\"}}";

    private static string Sign(HMACSHA256 hmac, string ts, string body) =>
        "v0=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("v0:" + ts + ":" + body)));

    private async Task RehearseAsync(string ts, CancellationToken ct)
    {
        var lead = _org?.Directory.Leads.FirstOrDefault(l => l.Identities.IdOn(IdentityPlatforms.Slack) is { Length: > 0 });
        var user = lead?.Identities.IdOn(IdentityPlatforms.Slack);
        if (_rehearsal is null || user is null)
        {
            return;
        }

        Rehearsed = 0;
        for (var i = 0; i < Rehearsals; i++)
        {
            var eventTs = ts + "." + (200 + i).ToString("D6", CultureInfo.InvariantCulture);
            var mention = i % 2 == 0;
            var text = JsonEncodedText.Encode(Texts[i % Texts.Length]).ToString();
            var json = "{\"token\":\"x\",\"team_id\":\"" + Tenant + "\",\"api_app_id\":\"AWARMUP\",\"type\":\"event_callback\"," +
                "\"event_id\":\"EvWARMUP" + Guid.NewGuid().ToString("N") + "\",\"event_time\":" + ts + "," +
                "\"authorizations\":[{\"team_id\":\"" + Tenant + "\",\"user_id\":\"UWARMUPBOT\",\"is_bot\":true}]," +
                "\"event\":{\"type\":\"" + (mention ? "app_mention" : "message") + "\"," + (mention ? "" : "\"channel_type\":\"im\",") +
                "\"user\":\"" + JsonEncodedText.Encode(user) + "\",\"text\":\"" + (mention ? "<@UWARMUPBOT> " : "") + text + "\"," +
                "\"ts\":\"" + eventTs + "\",\"event_ts\":\"" + eventTs + "\",\"channel\":\"" + (mention ? "CWARMUP" : "DWARMUP") + i.ToString(CultureInfo.InvariantCulture) + "\"}}";
            var envelope = SlackInboundParser.Parse("application/json", Encoding.UTF8.GetBytes(json));
            if (!await _rehearsal.RehearseAsync(async ct =>
                {
                    _ = await _transport.HandleAsync(envelope, ct);
                    await RehearseRepliesAsync(ct);
                }, ct))
            {
                return; // the storage cannot roll back: no rehearsal at all
            }

            Rehearsed++;
        }

        if (_log is not null)
        {
            LogRehearsed(_log, Rehearsed);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Warm-up rehearsed {Count} Slack acknowledgements end to end (claim, triage, stored request, queued and sent reply), all rolled back")]
    private static partial void LogRehearsed(ILogger logger, int count);

    // The queue worker's part: claim what the rehearsal queued and send it (answered by the RehearsalSink), as the
    // worker would. Real pending items the claim may also return are left alone; the rollback gives them back as they were.
    private async Task RehearseRepliesAsync(CancellationToken ct)
    {
        if (_queue is null || _worker is null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var item in await _queue.ClaimAsync("warmup-rehearsal", 8, now, now.AddSeconds(30), ct))
        {
            if (item.Tenant != SlackTenants.For(Tenant, null, false) || !_worker.CanHandle(item.Kind))
            {
                continue;
            }

            try
            {
                await _worker.HandleAsync(item, ct);
            }
            catch (PermanentWorkException)
            {
                // Installed per workspace (OAuth): the rehearsal's workspace has no bot token, so its replies cannot be
                // rehearsed. The acknowledgement part still was.
                return;
            }

            await _queue.CompleteAsync(item.Id, ct);
        }
    }
}
