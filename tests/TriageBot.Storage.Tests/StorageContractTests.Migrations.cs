using TriageBot.Engine.Ports;
using TriageBot.Storage.Internal;
using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

public abstract partial class StorageContractTests
{
    private async Task<ITestDatabase> FreshEmptyDatabaseAsync()
    {
        var db = await CreateDatabaseAsync();
        _extraDatabases.Add(db);
        return db;
    }

    private readonly List<ITestDatabase> _extraDatabases = [];

    private static async Task<(Db Db, Migrator Migrator)> MigratorOnAsync(ITestDatabase database, TimeProvider time)
    {
        await Task.Yield();
        var db = StorageFactory.CreateDb(database.Options);
        return (db, new Migrator(db, time));
    }

    [ContractFact]
    public async Task Migrations_FromEmpty_ApplyAllThenRerunAppliesNone()
    {
        var database = await FreshEmptyDatabaseAsync();
        var (db, migrator) = await MigratorOnAsync(database, Time);
        await using var _ = db;

        Assert.False(await migrator.IsReadyAsync());
        Assert.Equal(migrator.Migrations.Count, await migrator.MigrateAsync());
        Assert.True(await migrator.IsReadyAsync());
        Assert.Equal(0, await migrator.MigrateAsync());
        Assert.Equal(0, await Storage.Migrator.MigrateAsync());
        Assert.True(await Storage.Migrator.IsReadyAsync());
    }

    [ContractFact]
    public async Task Migrations_ConcurrentFromSeveralConnections_AppliedOnce()
    {
        var database = await FreshEmptyDatabaseAsync();
        var migrators = new List<(Db Db, Migrator Migrator)>();
        for (var i = 0; i < 4; i++)
        {
            migrators.Add(await MigratorOnAsync(database, Time));
        }

        try
        {
            var applied = await Task.WhenAll(migrators.Select(m => Task.Run(() => m.Migrator.MigrateAsync())));

            Assert.Equal(migrators[0].Migrator.Migrations.Count, applied.Sum());
            Assert.Equal(migrators[0].Migrator.Migrations.Count, await CountAppliedAsync(migrators[0].Db));
            foreach (var m in migrators)
            {
                Assert.True(await m.Migrator.IsReadyAsync());
            }
        }
        finally
        {
            foreach (var m in migrators)
            {
                await m.Db.DisposeAsync();
            }
        }
    }

    [ContractFact]
    public async Task Migrations_ConcurrentFromTwoProcesses_BothSucceedAppliedOnce()
    {
        var database = await FreshEmptyDatabaseAsync();
        using var a = ChildProcess.Start("migrate", database.Options);
        using var b = ChildProcess.Start("migrate", database.Options);
        await a.WaitForLineAsync("READY");
        await b.WaitForLineAsync("READY");

        await Task.WhenAll(a.SendAsync("GO"), b.SendAsync("GO"));
        var lines = await Task.WhenAll(a.WaitForLineAsync("APPLIED"), b.WaitForLineAsync("APPLIED"));

        Assert.Equal(0, await a.WaitForExitAsync());
        Assert.Equal(0, await b.WaitForExitAsync());
        var (db, migrator) = await MigratorOnAsync(database, Time);
        await using var _ = db;
        Assert.Equal(migrator.Migrations.Count, lines.Sum(l => int.Parse(l["APPLIED ".Length..])));
        Assert.Equal(migrator.Migrations.Count, await CountAppliedAsync(db));
        Assert.True(await migrator.IsReadyAsync());
    }

    [ContractFact]
    public async Task Digests_ClaimFromTwoProcesses_ExactlyOneWins()
    {
        using var a = ChildProcess.Start("claim-digest", Database.Options, T0.ToString("O"));
        using var b = ChildProcess.Start("claim-digest", Database.Options, T0.ToString("O"));
        await a.WaitForLineAsync("READY");
        await b.WaitForLineAsync("READY");

        await Task.WhenAll(a.SendAsync("GO"), b.SendAsync("GO"));
        var lines = await Task.WhenAll(a.WaitForLineAsync("WON", "LOST"), b.WaitForLineAsync("WON", "LOST"));

        Assert.Equal(1, lines.Count(l => l == "WON"));
        Assert.Equal(1, lines.Count(l => l == "LOST"));
        Assert.Equal(DigestDeliveryStatus.Claimed, await Storage.Digests.GetStatusAsync("t1", "lead-1", "2026-W48"));
    }

    /// <summary>
    /// Durability: a child process writes through the real storage, prints ACK once the write returned, and is
    /// SIGKILLed immediately (no dispose, no checkpoint, connections still open). The row must be there.
    /// </summary>
    [ContractFact]
    public async Task Durability_ProcessKilledRightAfterAcknowledgedWrite_WriteSurvives()
    {
        var id = Guid.NewGuid();
        using (var child = ChildProcess.Start("write-then-hang", Database.Options, id.ToString()))
        {
            await child.WaitForLineAsync("ACK");
            await child.KillAsync();
        }

        var fresh = await OpenAsync();
        var entries = await fresh.Ledger.ListForLeadAsync("t1", "lead-1", T0, T0.AddDays(7));
        var entry = Assert.Single(entries);
        Assert.Equal(id, entry.Id);
        Assert.Equal(42, entry.Minutes);
    }

    private static async Task<int> CountAppliedAsync(Db db)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return Convert.ToInt32(await Db.ScalarAsync(connection, null, "SELECT COUNT(*) FROM schema_migrations", CancellationToken.None));
    }
}
