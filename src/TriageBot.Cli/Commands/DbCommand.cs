using System.CommandLine;
using Microsoft.Data.Sqlite;
using Npgsql;
using TriageBot.Storage;

namespace TriageBot.Cli.Commands;

/// <summary><c>triagebot db migrate</c>: applies pending migrations to the configured database and says how many.</summary>
internal static class DbCommand
{
    public static Command Create(CliContext context, TextWriter output)
    {
        var migrate = new Command("migrate", "Apply pending database migrations (safe to run twice, or from several processes at once).");
        migrate.SetAction(async (parse, ct) =>
        {
            var config = CliConfiguration.Load(context);
            var options = config.StorageOptions();
            // StorageFactory.OpenAsync migrates as it opens, so "how many" is the row count of schema_migrations
            // before and after (the storage's migration journal), plus anything a second pass still finds.
            var before = await CountAppliedAsync(options, ct);
            await using var storage = await config.OpenStorageAsync(ct);
            var extra = await storage.Migrator.MigrateAsync(ct);
            var after = await CountAppliedAsync(options, ct);
            var applied = Math.Max(0, after - before) + extra;
            await output.WriteLineAsync(
                $"Applied {applied} migration{(applied == 1 ? "" : "s")} ({storage.Provider}); {after} applied in total, database is up to date.");
            return CliApp.Ok;
        });

        var db = new Command("db", "Database maintenance.");
        db.Subcommands.Add(migrate);
        return db;
    }

    /// <summary>Rows in <c>schema_migrations</c>; 0 when the database, file or table does not exist yet.</summary>
    internal static async Task<int> CountAppliedAsync(StorageOptions options, CancellationToken ct)
    {
        if (CliConfiguration.IsSqlite(options))
        {
            var file = CliConfiguration.SqliteFile(options);
            if (file is null || !File.Exists(file))
            {
                return 0;
            }

            var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false };
            await using var connection = new SqliteConnection(builder.ToString());
            await connection.OpenAsync(ct);
            await using var exists = connection.CreateCommand();
            exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return 0;
            }

            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT count(*) FROM schema_migrations";
            return Convert.ToInt32(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (!CliConfiguration.IsPostgres(options) || string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return 0; // opening the storage then fails with the message that names the key to set
        }

        await using var pg = new NpgsqlConnection(options.ConnectionString);
        await pg.OpenAsync(ct);
        await using var table = pg.CreateCommand();
        table.CommandText = "SELECT to_regclass('schema_migrations') IS NOT NULL";
        if (await table.ExecuteScalarAsync(ct) is not true)
        {
            return 0;
        }

        await using var cmd = pg.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM schema_migrations";
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
