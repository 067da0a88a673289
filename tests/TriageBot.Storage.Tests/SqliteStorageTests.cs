using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

/// <summary>The contract suite on SQLite (a fresh temporary file per test).</summary>
public sealed class SqliteStorageTests : StorageContractTests
{
    protected override string ExpectedProvider => "sqlite";

    protected override bool CanRehearse => false;

    protected override Task<ITestDatabase> CreateDatabaseAsync() => Task.FromResult<ITestDatabase>(new SqliteTestDatabase());
}
