using System.Text;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Slack.Protocol;

namespace TriageBot.Slack.Tests;

public class SignatureVerifierTests
{
    // Slack's published example (request-signing guide).
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string Timestamp = "1531420618";
    private const string Expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");

    private static FakeTimeProvider At(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    [Fact]
    public void Sign_SlackExampleVector_MatchesPublishedSignature()
    {
        Assert.Equal(Expected, SlackSignatureVerifier.Sign(Secret, Timestamp, Body));
    }

    [Fact]
    public void Verify_SlackExampleVectorWithinWindow_IsValid()
    {
        var verifier = new SlackSignatureVerifier(Secret, At(1531420618 + 60));
        Assert.Equal(SignatureCheck.Valid, verifier.Verify(Timestamp, Expected, Body));
    }

    [Fact]
    public void Verify_UppercaseHexSignature_IsValid()
    {
        var verifier = new SlackSignatureVerifier(Secret, At(1531420618));
        Assert.Equal(SignatureCheck.Valid, verifier.Verify(Timestamp, Expected.ToUpperInvariant(), Body));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-100000)]
    public void Verify_TimestampOutsideFiveMinutes_IsStale(int skewSeconds)
    {
        // Stale (replayed) and future-dated requests are both refused.
        var verifier = new SlackSignatureVerifier(Secret, At(1531420618 - skewSeconds));
        Assert.Equal(SignatureCheck.Stale, verifier.Verify(Timestamp, Expected, Body));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void Verify_TimestampAtWindowEdge_IsValid(int skewSeconds)
    {
        var verifier = new SlackSignatureVerifier(Secret, At(1531420618 + skewSeconds));
        Assert.Equal(SignatureCheck.Valid, verifier.Verify(Timestamp, Expected, Body));
    }

    [Fact]
    public void Verify_TamperedBody_IsMismatch()
    {
        var verifier = new SlackSignatureVerifier(Secret, At(1531420618));
        var tampered = (byte[])Body.Clone();
        tampered[^1] ^= 1;
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(Timestamp, Expected, tampered));
    }

    [Fact]
    public void Verify_OtherSecret_IsMismatch()
    {
        var verifier = new SlackSignatureVerifier("another-secret", At(1531420618));
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(Timestamp, Expected, Body));
    }

    [Theory]
    [InlineData(null, Expected)]
    [InlineData(Timestamp, null)]
    [InlineData("", Expected)]
    [InlineData(Timestamp, " ")]
    public void Verify_MissingHeader_IsRejected(string? timestamp, string? signature)
    {
        var verifier = new SlackSignatureVerifier(Secret, At(1531420618));
        Assert.Equal(SignatureCheck.MissingHeaders, verifier.Verify(timestamp, signature, Body));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1531420618")]
    [InlineData("99999999999999999999999")]
    public void Verify_NonNumericTimestamp_IsRejected(string timestamp)
    {
        var verifier = new SlackSignatureVerifier(Secret, At(1531420618));
        Assert.Equal(SignatureCheck.BadTimestamp, verifier.Verify(timestamp, Expected, Body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_NoSecretConfigured_FailsClosed(string? secret)
    {
        var verifier = new SlackSignatureVerifier(secret, At(1531420618));
        Assert.Equal(SignatureCheck.NoSecret, verifier.Verify(Timestamp, Expected, Body));
    }

    [Fact]
    public void Verify_SignatureWithoutVersionPrefix_IsMismatch()
    {
        var verifier = new SlackSignatureVerifier(Secret, At(1531420618));
        Assert.Equal(SignatureCheck.Mismatch, verifier.Verify(Timestamp, Expected[3..], Body));
    }
}
