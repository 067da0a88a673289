using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Ports;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.App;

/// <summary>
/// Runs the Events API acknowledgement path on synthetic payloads before the instance reports ready: signature check,
/// parsing, the transport and the event router, so their code is compiled before Slack's first delivery. The event is
/// the bot's own mention, which the router ignores before any claim or store: nothing is stored and nothing is sent.
/// </summary>
public sealed class SlackWarmUp : IWarmUp
{
    private const string Tenant = "TWARMUP";
    private readonly SlackTransport _transport;
    private readonly SlackSignatureVerifier _verifier;
    private readonly IOptions<SlackOptions> _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the warm-up.</summary>
    public SlackWarmUp(SlackTransport transport, SlackSignatureVerifier verifier, IOptions<SlackOptions> options, TimeProvider time)
    {
        _transport = transport;
        _verifier = verifier;
        _options = options;
        _time = time;
    }

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
        string[] bodies =
        [
            "{\"token\":\"x\",\"challenge\":\"warmup\",\"type\":\"url_verification\"}",
            "{\"token\":\"x\",\"team_id\":\"" + Tenant + "\",\"api_app_id\":\"AWARMUP\",\"type\":\"event_callback\",\"event_id\":\"EvWARMUP\"," +
            "\"event_time\":" + ts + ",\"authorizations\":[{\"team_id\":\"" + Tenant + "\",\"user_id\":\"UWARMUPBOT\",\"is_bot\":true}]," +
            "\"event\":{\"type\":\"app_mention\",\"user\":\"UWARMUPBOT\",\"text\":\"<@UWARMUPBOT> warm-up\",\"ts\":\"" + ts + ".000100\"," +
            "\"event_ts\":\"" + ts + ".000100\",\"channel\":\"CWARMUP\"}}",
        ];
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        foreach (var text in bodies)
        {
            var body = Encoding.UTF8.GetBytes(text);
            var signature = "v0=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("v0:" + ts + ":" + text)));
            if (_verifier.Verify(ts, signature, body) != SignatureCheck.Valid)
            {
                return;
            }

            _ = await _transport.HandleAsync(SlackInboundParser.Parse("application/json", body), ct);
        }
    }
}
