using Microsoft.Extensions.Time.Testing;
using TriageBot.Teams.Connector;

namespace TriageBot.Teams.Tests;

/// <summary>Caches keyed by request data stay bounded whatever the callers send.</summary>
public sealed class BoundedMemoryTests
{
    private static string Url(int i) => $"https://smba-{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}.example.net/amer/";

    [Fact]
    public void Add_TenThousandDistinctServiceUrls_KeepsTheMostRecentUpToCapacity()
    {
        var trusted = new TrustedServiceUrls();

        for (var i = 0; i < 10_000; i++)
        {
            trusted.Add(Url(i));
        }

        Assert.Equal(TrustedServiceUrls.DefaultCapacity, trusted.Count);
        Assert.True(trusted.IsTrusted(Url(9_999)));
        Assert.True(trusted.IsTrusted(Url(10_000 - TrustedServiceUrls.DefaultCapacity)));
        Assert.False(trusted.IsTrusted(Url(0)));
        Assert.False(trusted.IsTrusted(Url(10_000 - TrustedServiceUrls.DefaultCapacity - 1)));
    }

    [Fact]
    public void Add_UsedUrlAmongNewOnes_StaysTrusted()
    {
        var trusted = new TrustedServiceUrls(capacity: 100);
        trusted.Add("https://smba.trafficmanager.net/amer/");

        for (var i = 0; i < 10_000; i++)
        {
            trusted.Add(Url(i));
            // The bot's real serviceUrl is in use all along: least recently used goes first, not it.
            Assert.True(trusted.IsTrusted("https://smba.trafficmanager.net/amer"));
        }

        Assert.Equal(100, trusted.Count);
    }

    [Fact]
    public void Reserve_TenThousandDistinctConversations_TracksAtMostTheBound()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 14, 0, 0, TimeSpan.Zero));
        var limiter = new ConversationRateLimiter(time, maxConversations: 1_000);

        for (var i = 0; i < 10_000; i++)
        {
            limiter.Reserve("a:conversation-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            time.Advance(TimeSpan.FromMilliseconds(10)); // all within the hour the limits remember
            Assert.True(limiter.Count <= 1_000, $"{limiter.Count} conversations tracked after {i + 1}");
        }

        // A busy conversation keeps its pacing: the 8th send within a second waits.
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(TimeSpan.Zero, limiter.Reserve("a:busy"));
        }

        Assert.True(limiter.Reserve("a:busy") > TimeSpan.Zero);
    }
}
