using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TriageBot.Engine.Org;
using TriageBot.Slack.Api;
using TriageBot.Slack.App;

namespace TriageBot.Slack.Tests;

/// <summary>Caches keyed by request data stay bounded whatever the callers send.</summary>
public sealed class BoundedMemoryTests
{
    [Fact]
    public async Task ResolveAsync_TenThousandDistinctUsers_CacheStaysWithinItsBound()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = Options.Create(new SlackOptions());
        // No bot token: every unknown user is an outsider, cached without calling Slack.
        var tokens = new SlackTokenProvider(options, new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());
        using var http = new HttpClient();
        var api = new SlackApiClient(http, new SlackMetrics(provider.GetRequiredService<IMeterFactory>()), new ChannelPacer(TimeProvider.System, TimeSpan.Zero), options);
        using var directory = new SlackUserDirectory(new StaticOrgProvider(OrgDirectory.Empty), api, tokens, options, NullLogger<SlackUserDirectory>.Instance);

        for (var i = 0; i < 10_000; i++)
        {
            var user = await directory.ResolveAsync("slack:T1", "U" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
            Assert.Null(user.Person);
            Assert.True(directory.CachedUsers <= SlackUserDirectory.MaxCachedUsers, $"{directory.CachedUsers} users cached after {i + 1}");
        }

        Assert.True(directory.CachedUsers > 0);
    }

    [Fact]
    public void Reserve_TenThousandDistinctBusyChannelsTwice_TracksAtMostTheBound()
    {
        // A long interval keeps every channel busy, so quiet ones cannot simply be dropped.
        var pacer = new ChannelPacer(TimeProvider.System, TimeSpan.FromHours(1));

        for (var i = 0; i < 2 * ChannelPacer.MaxChannels; i++)
        {
            pacer.Reserve("C" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.InRange(pacer.Count, 1, ChannelPacer.MaxChannels);
        // The newest channel is still paced.
        Assert.True(pacer.Reserve("C" + (2 * ChannelPacer.MaxChannels - 1).ToString("D8", System.Globalization.CultureInfo.InvariantCulture)) > TimeSpan.FromMinutes(59));
    }
}
