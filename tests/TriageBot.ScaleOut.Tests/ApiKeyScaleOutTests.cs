using System.Net;
using System.Net.Http.Headers;
using TriageBot.Engine.Access;
using TriageBot.Storage;

namespace TriageBot.ScaleOut.Tests;

/// <summary>The HTTP API's keys across replicas: a key revoked through one database connection fails on every replica at once.</summary>
public sealed class ApiKeyScaleOutTests(ScaleOutCluster cluster) : IClassFixture<ScaleOutCluster>
{
    [PostgresFact]
    public async Task ApiKey_RevokedElsewhere_RefusedOnEveryReplicaAtOnce()
    {
        // What `triagebot apikey create` and `revoke` do: their own connection to the shared database.
        await using var storage = await StorageFactory.OpenAsync(new StorageOptions { Provider = "postgres", ConnectionString = cluster.ConnectionString }, TimeProvider.System);
        var keys = new ApiKeyService(storage.ApiKeys, TimeProvider.System);
        var key = (await keys.CreateAsync(ScaleOutCluster.Tenant, "scale-out")).Secret;

        var before = await Task.WhenAll(cluster.Hosts.Select(h => StatsAsync(h, key)));
        Assert.True(await keys.RevokeAsync(key));
        var after = await Task.WhenAll(cluster.Hosts.Select(h => StatsAsync(h, key)));

        Assert.All(before, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.All(after, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }

    private async Task<HttpStatusCode> StatsAsync(HostProcess host, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseAddress, "api/v1/leads/ana/stats"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await cluster.Http.SendAsync(request);
        return response.StatusCode;
    }
}
