using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TriageBot.Slack.Protocol;

/// <summary>Why a request signature was accepted or rejected.</summary>
public enum SignatureCheck
{
    /// <summary>The signature matches and the timestamp is fresh.</summary>
    Valid,
    /// <summary>No signing secret is configured: every request is rejected (fail closed).</summary>
    NoSecret,
    /// <summary>A signature or timestamp header is missing.</summary>
    MissingHeaders,
    /// <summary>The timestamp is not a number.</summary>
    BadTimestamp,
    /// <summary>The timestamp is more than five minutes away from now, in the past or the future.</summary>
    Stale,
    /// <summary>The signature does not match the body.</summary>
    Mismatch,
}

/// <summary>
/// Verifies Slack's request signature: <c>v0=</c> + hex HMAC-SHA256 over <c>v0:{timestamp}:{raw body}</c>, keyed by the signing secret,
/// within a five-minute window either way, compared in constant time.
/// </summary>
public sealed class SlackSignatureVerifier
{
    /// <summary>Slack's replay window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly byte[]? _key;
    private readonly TimeProvider _time;

    /// <summary>Creates a verifier; a null or empty secret rejects everything.</summary>
    public SlackSignatureVerifier(string? signingSecret, TimeProvider time)
    {
        _key = string.IsNullOrEmpty(signingSecret) ? null : Encoding.UTF8.GetBytes(signingSecret);
        _time = time;
    }

    /// <summary>Checks the headers against the raw body bytes.</summary>
    public SignatureCheck Verify(string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (_key is null)
        {
            return SignatureCheck.NoSecret;
        }

        if (string.IsNullOrWhiteSpace(timestampHeader) || string.IsNullOrWhiteSpace(signatureHeader))
        {
            return SignatureCheck.MissingHeaders;
        }

        if (!long.TryParse(timestampHeader.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.BadTimestamp;
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        // Compare without overflow: absurd timestamps are simply stale.
        if (seconds > now + (long)Window.TotalSeconds || seconds < now - (long)Window.TotalSeconds)
        {
            return SignatureCheck.Stale;
        }

        var expected = Compute(_key, timestampHeader.Trim(), body);
        var given = Encoding.ASCII.GetBytes(signatureHeader.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>Computes the <c>v0=…</c> signature (ASCII bytes) for a timestamp and body.</summary>
    public static byte[] Compute(byte[] key, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(key, data);
        return Encoding.ASCII.GetBytes("v0=" + Convert.ToHexStringLower(mac));
    }

    /// <summary>Signs a body the way Slack does (tests, load scripts, tools).</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        Encoding.ASCII.GetString(Compute(Encoding.UTF8.GetBytes(secret), timestamp, body));
}
