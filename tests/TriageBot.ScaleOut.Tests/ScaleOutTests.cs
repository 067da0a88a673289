using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Engine.Org;

namespace TriageBot.ScaleOut.Tests;

/// <summary>
/// Scale-out proof: three replicas of the real host behind no load balancer but the test itself, sharing one PostgreSQL.
/// A Slack event and its retries land on different replicas and are processed once; three digest schedulers send each
/// Lead's digest once.
/// </summary>
public sealed class ScaleOutTests : IClassFixture<ScaleOutCluster>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);

    // How long we keep watching for a duplicate after the first reply or digest (several queue polls and scheduler ticks).
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    private readonly ScaleOutCluster _cluster;

    public ScaleOutTests(ScaleOutCluster cluster) => _cluster = cluster;

    [PostgresFact]
    public async Task SlackEvent_RetriesOnOtherReplicas_OneRequestStoredAndOneReplySent()
    {
        var hosts = _cluster.Hosts;
        var ana = _cluster.SlackLeads.Single(l => l.Id == "ana");
        var body = ScaleOutCluster.ImEvent("EvSCALESEQ", ana.Identities.IdOn(IdentityPlatforms.Slack)!, "D0SEQ", "Can you review my difference in differences analysis for the launch?");

        // Slack's delivery, then its retries after a timeout, each reaching another replica.
        var responses = new List<HttpResponseMessage>
        {
            await _cluster.PostEventAsync(hosts[0], body),
            await _cluster.PostEventAsync(hosts[1], body, retryNum: 1),
            await _cluster.PostEventAsync(hosts[2], body, retryNum: 2),
        };
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await AssertProcessedOnceAsync("D0SEQ");
    }

    [PostgresFact]
    public async Task SlackEvent_DeliveredToThreeReplicasAtOnce_OneRequestStoredAndOneReplySent()
    {
        var hosts = _cluster.Hosts;
        var ana = _cluster.SlackLeads.Single(l => l.Id == "ana");
        var body = ScaleOutCluster.ImEvent("EvSCALECONC", ana.Identities.IdOn(IdentityPlatforms.Slack)!, "D0CONC", "How should I size the sample for an a/b test on checkout?");

        // The same event on all three replicas at the same moment: they race for the event id.
        var responses = await Task.WhenAll(
            _cluster.PostEventAsync(hosts[0], body),
            _cluster.PostEventAsync(hosts[1], body, retryNum: 1),
            _cluster.PostEventAsync(hosts[2], body, retryNum: 2));
        // One replica wins the claim and acks; a replica that finds the claim still running answers 409 so that Slack
        // retries (had the winner died, the retry would be processed); one that comes after the winner acks a duplicate.
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));

        await AssertProcessedOnceAsync("D0CONC");
        // Slack's next retry, after the winner finished: a duplicate, acknowledged.
        Assert.Equal(HttpStatusCode.OK, (await _cluster.PostEventAsync(hosts[1], body, retryNum: 3)).StatusCode);
        await AssertProcessedOnceAsync("D0CONC");
    }

    [PostgresFact]
    public async Task DigestSchedulers_ThreeReplicas_EachLeadGetsExactlyOneDigest()
    {
        // A Lead's DM makes the Slack tenant active (the tests of this class may run in any order).
        var ana = _cluster.SlackLeads.Single(l => l.Id == "ana");
        var activation = ScaleOutCluster.ImEvent("EvSCALEACT", ana.Identities.IdOn(IdentityPlatforms.Slack)!, "D0ACT", "Could you look at the airflow dag backfill for late data?");
        Assert.Equal(HttpStatusCode.OK, (await _cluster.PostEventAsync(_cluster.Hosts[1], activation)).StatusCode);
        Assert.NotEmpty(_cluster.SlackLeads);

        // Every Lead's delivery for the week settles (Sent for Slack Leads, Skipped for the ones Slack cannot reach).
        var settled = await ScaleOutCluster.EventuallyAsync(async () =>
        {
            var rows = await _cluster.DeliveriesAsync();
            return _cluster.Leads.All(l => rows.Any(r => r.LeadId == l.Id && r.Status is "Sent" or "Skipped"));
        }, Deadline);
        Assert.True(settled, $"all digests settled within {Deadline}: {Describe(await _cluster.DeliveriesAsync())}\n{_cluster.Logs()}");

        // Keep watching while every scheduler ticks a few more times: nobody sends a second one.
        var duplicate = await ScaleOutCluster.EventuallyAsync(() => Task.FromResult(_cluster.SlackLeads.Any(l => DigestPosts(l.Identities.IdOn(IdentityPlatforms.Slack)!) > 1)), Settle);
        Assert.False(duplicate, "a Lead got a second digest\n" + _cluster.Logs());

        var deliveries = await _cluster.DeliveriesAsync();
        foreach (var lead in _cluster.Leads)
        {
            var rows = deliveries.Where(r => r.LeadId == lead.Id).ToList();
            var row = Assert.Single(rows);
            Assert.Equal(string.IsNullOrEmpty(lead.Identities.IdOn(IdentityPlatforms.Slack)) ? "Skipped" : "Sent", row.Status);
        }

        foreach (var lead in _cluster.SlackLeads)
        {
            var channel = ScaleOutCluster.DigestChannel(lead.Identities.IdOn(IdentityPlatforms.Slack)!);
            var posts = DigestPosts(lead.Identities.IdOn(IdentityPlatforms.Slack)!);
            if (posts != 1)
            {
                Assert.Fail($"{lead.Id} got {posts} digest message(s) instead of one\n{_cluster.Logs()}");
            }

            Assert.Single(_cluster.Calls("conversations.open"), c => (c.RequestMessage.Body ?? string.Empty).Contains($"\"{lead.Identities.IdOn(IdentityPlatforms.Slack)}\"", StringComparison.Ordinal));

            // The chart, when rendered, is uploaded once into the same DM.
            var uploads = _cluster.Calls("files.completeUploadExternal").Count(c => (c.RequestMessage.Body ?? string.Empty).Contains(channel, StringComparison.Ordinal));
            Assert.InRange(uploads, 0, 1);
        }

        Assert.Equal(_cluster.Calls("files.getUploadURLExternal").Count, _cluster.Calls("files.completeUploadExternal").Count);
    }

    [PostgresFact]
    public async Task WarmUp_RehearsedAcknowledgements_LeaveNothingStoredAndSendNothing()
    {
        // Each replica rehearsed whole acknowledgements as it started (before it reported ready, unless the warm-up ran
        // past its deadline on a starved machine); PostgreSQL rolled every one back.
        static string? Rehearsals(HostProcess h) =>
            h.Output.Split('\n').FirstOrDefault(l => l.Contains("Warm-up rehearsed {Count} Slack acknowledgements", StringComparison.Ordinal));
        var logged = await ScaleOutCluster.EventuallyAsync(() => Task.FromResult(_cluster.Hosts.All(h => Rehearsals(h) is not null)), TimeSpan.FromSeconds(90));
        Assert.True(logged, "every replica logged its rehearsals\n" + _cluster.Logs());
        Assert.All(_cluster.Hosts, h => Assert.Contains("\"Count\":20", Rehearsals(h), StringComparison.Ordinal));
        foreach (var table in new[] { "requests", "decisions", "work_items", "processed_events", "tenants" })
        {
            Assert.Equal(0, await _cluster.ScalarAsync($"SELECT count(*) FROM {table} WHERE tenant = @tenant", ("tenant", "slack:TWARMUP")));
        }

        // Their replies went through the whole Web API client and were answered inside it: Slack never saw one.
        Assert.DoesNotContain(_cluster.Calls("chat.postMessage"), c => ChannelOf(c)?.Contains("WARMUP", StringComparison.Ordinal) == true);
    }

    private async Task AssertProcessedOnceAsync(string channel)
    {
        var stored = await ScaleOutCluster.EventuallyAsync(
            async () => await CountRequestsAsync(channel) >= 1 && Posts(channel) >= 1, Deadline);
        Assert.True(stored, $"request stored and reply posted within {Deadline} (requests: {await CountRequestsAsync(channel)}, replies: {Posts(channel)})\n{_cluster.Logs()}");

        // Any duplicate would show up within a few queue polls of every replica.
        var duplicate = await ScaleOutCluster.EventuallyAsync(
            async () => await CountRequestsAsync(channel) > 1 || Posts(channel) > 1, Settle);
        Assert.False(duplicate, $"processed twice (requests: {await CountRequestsAsync(channel)}, replies: {Posts(channel)})\n{_cluster.Logs()}");

        Assert.Equal(1, await CountRequestsAsync(channel));
        var post = Assert.Single(PostsTo(channel));
        Assert.Equal("Bearer xoxb-scale-out", post.RequestMessage.Headers!["Authorization"].Single());
        Assert.NotEmpty(JsonNode.Parse(post.RequestMessage.Body!)!["blocks"]!.AsArray());
    }

    private Task<long> CountRequestsAsync(string channel) =>
        _cluster.ScalarAsync("SELECT count(*) FROM requests WHERE tenant = @tenant AND channel = @channel", ("tenant", ScaleOutCluster.Tenant), ("channel", channel));

    private int Posts(string channel) => PostsTo(channel).Count;

    private int DigestPosts(string slackUserId) => Posts(ScaleOutCluster.DigestChannel(slackUserId));

    private List<WireMock.Logging.ILogEntry> PostsTo(string channel) =>
        _cluster.Calls("chat.postMessage").Where(c => ChannelOf(c) == channel).ToList();

    private static string? ChannelOf(WireMock.Logging.ILogEntry entry)
    {
        try
        {
            return (string?)JsonNode.Parse(entry.RequestMessage.Body ?? "{}")?["channel"];
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Describe(IEnumerable<(string LeadId, string Week, string Status, int Claims)> rows) =>
        string.Join(", ", rows.Select(r => $"{r.LeadId} {r.Week} {r.Status} claims={r.Claims}"));
}
