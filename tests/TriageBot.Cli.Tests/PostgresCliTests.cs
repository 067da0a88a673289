using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace TriageBot.Cli.Tests;

/// <summary>A test that needs the PostgreSQL server named by <c>TRIAGEBOT_TEST_POSTGRES</c>; skipped with a how-to otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("TRIAGEBOT_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public PostgresFactAttribute()
    {
        if (ConnectionString is null)
        {
            Skip = "PostgreSQL not configured: run eval \"$(bash .ci/postgres.sh)\" to set TRIAGEBOT_TEST_POSTGRES, then run the tests again.";
        }
    }
}

/// <summary>The CLI against PostgreSQL, in a schema of its own that is dropped afterwards.</summary>
public sealed class PostgresCliTests : IAsyncLifetime
{
    private readonly CliHarness _cli = new(withDatabaseConfig: false);
    private readonly string _schema = "cli_" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        if (PostgresFactAttribute.ConnectionString is not { } cs)
        {
            return;
        }

        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {_schema}", connection);
            await create.ExecuteNonQueryAsync();
        }

        _cli.Environment["TriageBot__Storage__Provider"] = "postgres";
        _cli.Environment["TriageBot__Storage__ConnectionString"] = new NpgsqlConnectionStringBuilder(cs) { SearchPath = _schema }.ToString();
    }

    public async Task DisposeAsync()
    {
        _cli.Dispose();
        if (PostgresFactAttribute.ConnectionString is not { } cs)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [PostgresFact]
    public async Task DbMigrate_Postgres_AppliesOnceThenNothing()
    {
        var first = await _cli.RunAsync("db", "migrate");
        var second = await _cli.RunAsync("db", "migrate");

        Assert.Equal(0, first.Code);
        Assert.Matches(new Regex(@"^Applied [1-9]\d* migrations? \(postgres\)"), first.Out);
        Assert.StartsWith("Applied 0 migrations (postgres)", second.Out, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task DigestAndTriage_Postgres_ReadTheStore()
    {
        var digest = await _cli.RunAsync("digest", "--lead", "ana", "--json");
        var triage = await _cli.RunAsync("triage", "--lead", "ana", "--from", "bea", "sql join question");

        Assert.Equal(0, digest.Code);
        using var doc = JsonDocument.Parse(digest.Out);
        Assert.Equal("2026-W48", doc.RootElement.GetProperty("isoWeek").GetString());
        Assert.Equal(0, triage.Code);
        Assert.Contains("(store, week 2026-W48)", triage.Out, StringComparison.Ordinal);
    }
}
