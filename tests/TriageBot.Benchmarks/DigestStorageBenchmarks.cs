using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TriageBot.Engine.Analysis;
using TriageBot.Engine.Decisions;
using TriageBot.Engine.Ports;
using TriageBot.Storage;
using TriageBot.Storage.Internal;

namespace TriageBot.Benchmarks;

/// <summary>
/// The storage side of the weekly digest at scale: 5,000 Leads, up to 200 time entries each (1,000,000 rows) and
/// 20 requests each (100,000, each with a decision), over 50 weeks. One benchmark operation loads every Lead's week
/// exactly as DigestBuilder does: requests of the week plus the repeat/trend window, time entries of the week and
/// the 4 previous weeks, and the latest decision of each request taken in the week.
/// The 250k case holds the most recent quarter of the same data, so each Lead's window returns the same rows in both
/// cases: flat time from 250k to 1M means index range scans, not table scans.
/// Seeded databases are kept (SQLite files under TRIAGEBOT_BENCH_DIR, default /tmp/triagebot-bench; PostgreSQL
/// schemas bench_250k/bench_1m in TRIAGEBOT_BENCH_POSTGRES or TRIAGEBOT_TEST_POSTGRES) and reused by later runs.
/// Query plans are written next to the SQLite files (plans-*.txt).
/// Run: eval "$(bash .ci/postgres.sh)"; dotnet run -c Release --project tests/TriageBot.Benchmarks -- --filter '*DigestStorage*'
/// </summary>
[Config(typeof(DigestStorageBenchmarks.Config))]
[MemoryDiagnoser]
public class DigestStorageBenchmarks
{
    /// <summary>In-process (the seeded data is reused, no per-case build) with a timeout long enough for the first seeding.</summary>
    public sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default
            .WithStrategy(BenchmarkDotNet.Engines.RunStrategy.Monitoring)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(60), logOutput: true))
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId("InProcess"));
    }

    public const int Leads = 5_000;
    public const int EntriesPerLead = 200;
    public const int RequestsPerLead = 20;
    public const string Tenant = "bench";

    /// <summary>Monday 2026-11-23 00:00 UTC: the digest week is 2026-W48, in UTC for all Leads.</summary>
    public static readonly DateTimeOffset WeekStart = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset WeekEnd = WeekStart.AddDays(7);
    public static readonly DateTimeOffset TrendStart = WeekStart.AddDays(-28);
    public static readonly DateTimeOffset RequestsFrom = WeekEnd.AddDays(-28) < TrendStart ? WeekEnd.AddDays(-28) : TrendStart;

    private IStorage _storage = null!;

    public static IEnumerable<string> Providers()
    {
        yield return "sqlite";
        if (PostgresConnectionString() is not null)
        {
            yield return "postgres";
        }
    }

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "sqlite";

    [Params(250_000, 1_000_000)]
    public int TimeEntries { get; set; }

    [GlobalSetup]
    public void Setup() => _storage = OpenSeededAsync(Provider, TimeEntries).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _storage.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Every Lead's digest data for the week, one Lead after the other.</summary>
    [Benchmark]
    public Task<long> AllLeadsWeek() => LoadAllLeadsAsync(_storage);

    public static async Task<long> LoadAllLeadsAsync(IStorage storage)
    {
        long rows = 0;
        for (var lead = 0; lead < Leads; lead++)
        {
            rows += await LoadLeadAsync(storage, LeadId(lead));
        }

        return rows;
    }

    public static async Task<int> LoadLeadAsync(IStorage storage, string leadId)
    {
        var requests = await storage.Requests.ListForLeadAsync(Tenant, leadId, RequestsFrom, WeekEnd);
        var entries = await storage.Ledger.ListForLeadAsync(Tenant, leadId, TrendStart, WeekEnd);
        var rows = requests.Count + entries.Count;
        foreach (var request in requests)
        {
            if (request.ReceivedAt >= WeekStart && request.Status is RequestStatus.Taken or RequestStatus.Done)
            {
                _ = await storage.Requests.GetLatestDecisionAsync(Tenant, request.Id) ?? throw new InvalidOperationException("missing decision");
                rows++;
            }
        }

        return rows;
    }

    public static string LeadId(int lead) => "lead-" + lead.ToString("D4", CultureInfo.InvariantCulture);

    public static string? PostgresConnectionString() =>
        Environment.GetEnvironmentVariable("TRIAGEBOT_BENCH_POSTGRES") is { Length: > 0 } b ? b
        : Environment.GetEnvironmentVariable("TRIAGEBOT_TEST_POSTGRES") is { Length: > 0 } t ? t : null;

    public static string BenchDirectory() =>
        Environment.GetEnvironmentVariable("TRIAGEBOT_BENCH_DIR") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "triagebot-bench");

    /// <summary>Opens (seeding once) the database for a provider and size.</summary>
    public static async Task<IStorage> OpenSeededAsync(string provider, int timeEntries)
    {
        var perLead = timeEntries / Leads;
        var requestsPerLead = RequestsPerLead * perLead / EntriesPerLead;
        var name = timeEntries >= 1_000_000 ? "1m" : (timeEntries / 1000).ToString(CultureInfo.InvariantCulture) + "k";
        StorageOptions options;
        if (provider == "postgres")
        {
            var cs = PostgresConnectionString() ?? throw new InvalidOperationException("Set TRIAGEBOT_TEST_POSTGRES (eval \"$(bash .ci/postgres.sh)\").");
            var schema = "bench_" + name;
            await using (var admin = new Npgsql.NpgsqlConnection(cs))
            {
                await admin.OpenAsync();
                await using var cmd = new Npgsql.NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS {schema}", admin);
                await cmd.ExecuteNonQueryAsync();
            }

            options = new StorageOptions { Provider = "postgres", ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(cs) { SearchPath = schema }.ConnectionString };
        }
        else
        {
            Directory.CreateDirectory(BenchDirectory());
            options = new StorageOptions { Provider = "sqlite", ConnectionString = $"Data Source={Path.Combine(BenchDirectory(), $"bench-{name}.db")}" };
        }

        var storage = await StorageFactory.OpenAsync(options, TimeProvider.System);
        var db = ((SqlStorage)storage).Db;
        if (!await IsSeededAsync(db, timeEntries))
        {
            var watch = Stopwatch.StartNew();
            await SeedAsync(db, perLead, requestsPerLead);
            await Log($"seeded {provider} {name}: {Leads * perLead} time entries, {Leads * requestsPerLead} requests in {watch.Elapsed.TotalSeconds:F1} s");
        }

        await WritePlansAsync(db, provider, name);
        return storage;
    }

    private static async Task<bool> IsSeededAsync(Db db, int timeEntries)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        await Db.ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS bench_seed (rows integer NOT NULL)", CancellationToken.None);
        var rows = await Db.ScalarAsync(connection, null, "SELECT MAX(rows) FROM bench_seed", CancellationToken.None);
        return rows is not null && Convert.ToInt32(rows, CultureInfo.InvariantCulture) == timeEntries;
    }

    /// <summary>
    /// Entry i of a Lead (0 = newest) is i × 1.75 days before the end of the week; request j is j × 17.5 days before.
    /// So the newest quarter of every Lead's history is the 250k data set, and both sizes share the digest window.
    /// </summary>
    private static async Task SeedAsync(Db db, int entriesPerLead, int requestsPerLead)
    {
        var random = new Random(42);
        var kinds = new[] { "Teach", "Do", "Review" };
        var topics = new[] { "sql", "causal-inference", "experimentation", "dbt", "python", "forecasting" };
        var statuses = new[] { "Taken", "Done", "Redirected", "Clarified", "Open", "Taken" };
        var decisionJson = DecisionJson.Serialize(SampleDecision());
        const string overridesJson = "{}";
        var now = DateTimeOffset.UnixEpoch;

        await using var connection = await db.OpenAsync(CancellationToken.None);
        if (db.Provider == "sqlite")
        {
            // Seeding only: random Guid keys make B-tree inserts random; a big page cache keeps them in memory.
            await Db.ExecuteAsync(connection, null, "PRAGMA cache_size = -1048576", CancellationToken.None);
        }

        await Db.ExecuteAsync(connection, null, "DELETE FROM decisions; DELETE FROM requests; DELETE FROM time_entries; DELETE FROM bench_seed;", CancellationToken.None);
        await Db.ExecuteAsync(connection, null, "INSERT INTO tenants (tenant, first_seen_at) VALUES (@t, @at) ON CONFLICT (tenant) DO NOTHING", CancellationToken.None,
            ("t", Tenant), ("at", db.Ts(now)));

        const int batch = 400;
        var entryRows = new List<object?[]>(batch);
        var requestRows = new List<object?[]>(batch);
        var decisionRows = new List<object?[]>(batch);
        for (var lead = 0; lead < Leads; lead++)
        {
            var leadId = LeadId(lead);
            for (var i = 0; i < entriesPerLead; i++)
            {
                var at = WeekEnd.AddMinutes(-(i * 1.75 * 24 * 60) - random.Next(1, 600));
                entryRows.Add([Tenant, db.Id(Guid.NewGuid()), leadId, null, random.Next(10, 120), kinds[random.Next(3)], random.Next(5) == 0,
                    topics[random.Next(topics.Length)], "req-" + random.Next(200).ToString(CultureInfo.InvariantCulture), db.Ts(at), null]);
            }

            for (var j = 0; j < requestsPerLead; j++)
            {
                var at = WeekEnd.AddMinutes(-(j * 17.5 * 24 * 60) - random.Next(1, 600));
                var id = Guid.NewGuid();
                requestRows.Add([Tenant, db.Id(id), "Slack", "C1", null, null, "req-" + random.Next(200).ToString(CultureInfo.InvariantCulture), "Requester",
                    leadId, "Please help with the weekly report query, it is slow.", db.Ts(at), topics[random.Next(topics.Length)],
                    statuses[random.Next(statuses.Length)], null, null, db.Ts(at)]);
                decisionRows.Add([Tenant, db.Id(id), 1, "Take", "rule-4", "2026.1", decisionJson, overridesJson, db.Ts(at)]);
            }

            if (entryRows.Count >= batch * 25 || lead == Leads - 1)
            {
                await using var tx = await db.BeginWriteAsync(connection, CancellationToken.None);
                await InsertManyAsync(connection, tx, "time_entries",
                    "tenant, id, lead_id, request_id, minutes, kind, is_estimate, topic_id, requester_id, at, note", entryRows, batch);
                await InsertManyAsync(connection, tx, "requests",
                    "tenant, id, platform, channel, message_ref, message_link, requester_id, requester_name, lead_id, text, received_at, topic_id, status, owner_type, owner_id, updated_at",
                    requestRows, batch);
                await InsertManyAsync(connection, tx, "decisions",
                    "tenant, request_id, version, outcome, rule, policy_version, decision_json, overrides_json, created_at", decisionRows, batch);
                await tx.CommitAsync();
                entryRows.Clear();
                requestRows.Clear();
                decisionRows.Clear();
            }
        }

        await Db.ExecuteAsync(connection, null, "INSERT INTO bench_seed (rows) VALUES (@rows)", CancellationToken.None, ("rows", Leads * entriesPerLead));
        // Fresh statistics, as a production database would have after autovacuum / PRAGMA optimize.
        await Db.ExecuteAsync(connection, null, db.Provider == "postgres" ? "ANALYZE" : "ANALYZE", CancellationToken.None);
    }

    private static async Task InsertManyAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, string table, string columns, List<object?[]> rows, int batch)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // SQLite: one prepared single-row INSERT reused for every row (in-process, no round trips; binding thousands of
        // named parameters in one statement is quadratic there). PostgreSQL: multi-row INSERTs to save round trips.
        var rowsPerStatement = connection is Microsoft.Data.Sqlite.SqliteConnection ? 1 : batch;
        var width = rows[0].Length;
        for (var offset = 0; offset < rows.Count;)
        {
            var count = Math.Min(rowsPerStatement, rows.Count - offset);
            var sql = new StringBuilder($"INSERT INTO {table} ({columns}) VALUES ");
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ",(");
                for (var c = 0; c < width; c++)
                {
                    sql.Append(c == 0 ? "@p" : ",@p").Append((r * width) + c);
                }

                sql.Append(')');
            }

            await using var cmd = Db.Command(connection, tx, sql.ToString(),
                [.. Enumerable.Range(0, count * width).Select(i => ("p" + i.ToString(CultureInfo.InvariantCulture), (object?)null))]);
            // Reuse the command for every full group of rows of this shape.
            while (offset + count <= rows.Count && count > 0)
            {
                for (var r = 0; r < count; r++)
                {
                    for (var c = 0; c < width; c++)
                    {
                        cmd.Parameters[(r * width) + c].Value = rows[offset + r][c] ?? DBNull.Value;
                    }
                }

                await cmd.ExecuteNonQueryAsync();
                offset += count;
                if (rows.Count - offset < count)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Writes the query plans of the three digest queries (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) for docs/storage.md.</summary>
    private static async Task WritePlansAsync(Db db, string provider, string name)
    {
        var queries = new (string Title, string Sql, (string, object?)[] Args)[]
        {
            ("requests of a Lead in a window",
                "SELECT * FROM requests WHERE tenant = @tenant AND lead_id = @lead AND received_at >= @from AND received_at < @to ORDER BY received_at, id",
                [("tenant", Tenant), ("lead", LeadId(1234)), ("from", db.Ts(RequestsFrom)), ("to", db.Ts(WeekEnd))]),
            ("time entries of a Lead in a window",
                "SELECT * FROM time_entries WHERE tenant = @tenant AND lead_id = @lead AND at >= @from AND at < @to ORDER BY at, id",
                [("tenant", Tenant), ("lead", LeadId(1234)), ("from", db.Ts(TrendStart)), ("to", db.Ts(WeekEnd))]),
            ("latest decision of a request",
                "SELECT * FROM decisions WHERE tenant = @tenant AND request_id = @id ORDER BY version DESC LIMIT 1",
                [("tenant", Tenant), ("id", db.Id(Guid.Empty))]),
        };
        var text = new StringBuilder();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        foreach (var (title, sql, args) in queries)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"-- {title}");
            var explain = provider == "postgres" ? "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) " : "EXPLAIN QUERY PLAN ";
            var lines = await Db.QueryAsync(connection, null, explain + sql,
                r => provider == "postgres" ? r.GetString(0) : r.GetString(r.FieldCount - 1), CancellationToken.None, args);
            foreach (var line in lines)
            {
                text.AppendLine(line);
            }
        }

        Directory.CreateDirectory(BenchDirectory());
        await File.WriteAllTextAsync(Path.Combine(BenchDirectory(), $"plans-{provider}-{name}.txt"), text.ToString());
    }

    private static async Task Log(string message)
    {
        Console.WriteLine("// " + message);
        Directory.CreateDirectory(BenchDirectory());
        await File.AppendAllTextAsync(Path.Combine(BenchDirectory(), "seed.log"), message + Environment.NewLine);
    }

    private static Decision SampleDecision() => new(
        DecisionOutcome.Take, HelpMode.Teach, "rule-4", "Take it, teach it.",
        new RequestAnalysis([new TopicMatch("sql", 2.5, ["query", "slow"])], AskKind.Learn, ["help with"], true, Horizon.Long, ["weekly"]),
        [
            new QuestionAnswer(Question.Skill, AnswerValue.Yes, "Level 5 on SQL.", ["sql:5"]),
            new QuestionAnswer(Question.Reuse, AnswerValue.Yes, "Weekly report.", ["weekly"]),
            new QuestionAnswer(Question.Team, AnswerValue.No, "No service team for SQL.", []),
            new QuestionAnswer(Question.Horizon, AnswerValue.Long, "Recurs weekly.", ["weekly"]),
        ],
        [new Owner(OwnerType.Person, "bob", "Bob", null, "Level 4 on SQL.")],
        new HowToHelp("20-minute pairing session", 20, true), true, "2026.1");
}
