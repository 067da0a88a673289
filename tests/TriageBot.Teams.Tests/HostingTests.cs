using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TriageBot.Teams.App;

namespace TriageBot.Teams.Tests;

public sealed class HostingTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://localhost:3978", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://+:80", false)]
    [InlineData("https://triagebot.example.com", false)]
    [InlineData("", false)]
    public void IsLoopbackAddress_ListeningAddresses_Classified(string address, bool expected) =>
        Assert.Equal(expected, MessagesEndpoint.IsLoopbackAddress(address));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10.0.0.5", false)]
    public void IsLoopback_ConnectionLocalAddress_Decides(string local, bool expected)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Connection.LocalIpAddress = IPAddress.Parse(local);
        Assert.Equal(expected, MessagesEndpoint.IsLoopback(context, null));
    }

    [Fact]
    public void IsLoopback_NoLocalAddressNoServer_Refused()
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        Assert.False(MessagesEndpoint.IsLoopback(context, null));
    }

    [Fact]
    public void Options_AppIdWithoutPasswordOrTenant_FailNamingKeys()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTeams(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TriageBot:Teams:AppId"] = "app",
            ["TriageBot:Teams:OpenIdMetadataUrl"] = "not a url",
        }).Build());
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TeamsOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("TriageBot:Teams:AppPassword", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("TriageBot:Teams:TenantId", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("TriageBot:Teams:OpenIdMetadataUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_NoAppId_ValidForLocalTesting()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTeams(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        Assert.False(provider.GetRequiredService<IOptions<TeamsOptions>>().Value.IsAuthenticated);
    }

    [Fact]
    public void Metrics_AckAndOutbound_RecordedOnTriageBotMeter()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTeams(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        var metrics = provider.GetRequiredService<TeamsMetrics>();
        var seen = new List<(string Name, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "TriageBot")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => seen.Add((i.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => seen.Add((i.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        metrics.Ack(12.5);
        metrics.OutboundCall("reply", "201");

        Assert.Contains(seen, s => s.Name == "triagebot.ack.duration" && (string?)s.Tags["platform"] == "teams");
        Assert.Contains(seen, s => s.Name == "triagebot.outbound.calls" && (string?)s.Tags["method"] == "reply" && (string?)s.Tags["status"] == "201" && (string?)s.Tags["platform"] == "teams");
    }
}
