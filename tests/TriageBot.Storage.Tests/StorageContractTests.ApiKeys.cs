using TriageBot.Engine.Access;
using TriageBot.Engine.Ports;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public abstract partial class StorageContractTests
{
    private static ApiKeyRecord Key(string id, string tenant = "slack:T1", DateTimeOffset? at = null) =>
        new(id, tenant, "jira automation ✓", [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))], at ?? T0, null);

    [ContractFact]
    public async Task ApiKeys_AddThenFind_RoundTripsEveryField()
    {
        var key = Key("abcdefghijk2");
        await Storage.ApiKeys.AddAsync(key);

        var found = await Storage.ApiKeys.FindAsync("abcdefghijk2");

        Assert.NotNull(found);
        Assert.Equal(key.KeyId, found.KeyId);
        Assert.Equal(key.Tenant, found.Tenant);
        Assert.Equal(key.Name, found.Name);
        Assert.Equal(key.SecretHash, found.SecretHash);
        Assert.Equal(key.CreatedAt, found.CreatedAt);
        Assert.Null(found.RevokedAt);
        Assert.Null(await Storage.ApiKeys.FindAsync("nosuchkey222"));
    }

    [ContractFact]
    public async Task ApiKeys_AddSameId_ThrowsStoreConflict()
    {
        await Storage.ApiKeys.AddAsync(Key("abcdefghijk3"));

        await Assert.ThrowsAnyAsync<StoreConflictException>(() => Storage.ApiKeys.AddAsync(Key("abcdefghijk3", "local")));
    }

    [ContractFact]
    public async Task ApiKeys_List_FiltersByTenantOldestFirst()
    {
        await Storage.ApiKeys.AddAsync(Key("bbbbbbbbbbb2", "local", T0.AddMinutes(2)));
        await Storage.ApiKeys.AddAsync(Key("aaaaaaaaaaa2", "local", T0.AddMinutes(1)));
        await Storage.ApiKeys.AddAsync(Key("ccccccccccc2", "teams:x", T0));

        var local = await Storage.ApiKeys.ListAsync("local");
        var all = await Storage.ApiKeys.ListAsync();

        Assert.Equal(["aaaaaaaaaaa2", "bbbbbbbbbbb2"], local.Select(k => k.KeyId));
        Assert.Equal(["ccccccccccc2", "aaaaaaaaaaa2", "bbbbbbbbbbb2"], all.Select(k => k.KeyId));
    }

    [ContractFact]
    public async Task ApiKeys_Revoke_SeenAtOnceByAnotherInstanceAndKeepsFirstTime()
    {
        await Storage.ApiKeys.AddAsync(Key("abcdefghijk4"));
        var other = await OpenAsync();
        Assert.False((await other.ApiKeys.FindAsync("abcdefghijk4"))!.IsRevoked);

        Assert.True(await Storage.ApiKeys.RevokeAsync("abcdefghijk4", T0.AddHours(1)));
        Assert.True(await Storage.ApiKeys.RevokeAsync("abcdefghijk4", T0.AddHours(2)));
        Assert.False(await Storage.ApiKeys.RevokeAsync("nosuchkey222", T0));

        Assert.Equal(T0.AddHours(1), (await other.ApiKeys.FindAsync("abcdefghijk4"))!.RevokedAt);
    }

    [ContractFact]
    public async Task ApiKeys_ServiceOverStore_CreatedKeyChecksValidThenRevoked()
    {
        var service = new ApiKeyService(Storage.ApiKeys, Time);
        var created = await service.CreateAsync("slack:T1", "script");

        Assert.Equal(ApiKeyStatus.Valid, (await service.CheckAsync(created.Secret)).Status);
        Assert.DoesNotContain(created.Secret[^43..], Convert.ToBase64String(created.Key.SecretHash), StringComparison.Ordinal);
        Assert.True(await service.RevokeAsync(created.Key.KeyId));
        Assert.Equal(ApiKeyStatus.Revoked, (await service.CheckAsync(created.Secret)).Status);
    }
}
