using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace TriageBot.Benchmarks;

/// <summary>
/// What SQLite's synchronous = FULL costs against NORMAL (WAL) per small committed write, the shape of our writes
/// (an event id, a queue item, a time entry). Informs the choice documented in docs/storage.md.
/// Run: dotnet run -c Release --project tests/TriageBot.Benchmarks -- --filter '*DigestStorageCommit*'
/// </summary>
[Config(typeof(DigestStorageBenchmarks.Config))]
public class DigestStorageCommitBenchmarks
{
    private const int Writes = 500;
    private SqliteConnection _connection = null!;
    private string _path = null!;
    private long _next;

    [Params("FULL", "NORMAL")]
    public string Synchronous { get; set; } = "FULL";

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"triagebot-commit-{Guid.NewGuid():N}.db");
        _connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL");
        Execute($"PRAGMA synchronous = {Synchronous}");
        Execute("CREATE TABLE processed_events (tenant TEXT NOT NULL, event_id TEXT NOT NULL, processed_at INTEGER NOT NULL, PRIMARY KEY (tenant, event_id))");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    /// <summary>200 autocommitted single-row inserts, each one a durable acknowledgement.</summary>
    [Benchmark(OperationsPerInvoke = Writes)]
    public void CommitOneRow()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "INSERT INTO processed_events (tenant, event_id, processed_at) VALUES ('t1', @id, 0)";
        var p = cmd.Parameters.Add("@id", SqliteType.Text);
        for (var i = 0; i < Writes; i++)
        {
            p.Value = "ev-" + _next++;
            cmd.ExecuteNonQuery();
        }
    }

    private void Execute(string sql)
    {
        using var cmd = _connection.CreateCommand();
#pragma warning disable CA2100 // constant SQL
        cmd.CommandText = sql;
#pragma warning restore CA2100
        cmd.ExecuteNonQuery();
    }
}
