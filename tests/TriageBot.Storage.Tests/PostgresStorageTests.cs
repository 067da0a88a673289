using TriageBot.Storage.Tests.Infrastructure;

namespace TriageBot.Storage.Tests;

/// <summary>The contract suite on PostgreSQL (a fresh schema per test). Skipped when TRIAGEBOT_TEST_POSTGRES is unset.</summary>
[RequiresPostgres]
public sealed class PostgresStorageTests : StorageContractTests
{
    protected override string ExpectedProvider => "postgres";

    protected override bool CanRehearse => true;

    protected override async Task<ITestDatabase> CreateDatabaseAsync() => await PostgresTestDatabase.CreateAsync();
}
