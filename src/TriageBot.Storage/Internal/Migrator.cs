using System.Globalization;
using System.Reflection;
using TriageBot.Engine.Ports;

namespace TriageBot.Storage.Internal;

/// <summary>
/// Applies the embedded, numbered SQL migrations of the provider and records them in <c>schema_migrations</c>.
/// The check-and-apply runs in one transaction under a cross-process lock (PostgreSQL advisory lock; SQLite
/// <c>BEGIN IMMEDIATE</c>), so running it twice or from several processes at once applies each migration once.
/// </summary>
internal sealed class Migrator(Db db, TimeProvider time) : IStorageMigrator
{
    internal sealed record Migration(int Version, string Name, string Sql);

    private readonly IReadOnlyList<Migration> _migrations = Load(db.MigrationFolder);

    public IReadOnlyList<Migration> Migrations => _migrations;

    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(connection, ct);
        await db.LockForMigrationAsync(connection, tx, ct);
        var timestampType = db.Provider == "postgres" ? "timestamptz" : "INTEGER";
        await Db.ExecuteAsync(connection, tx,
            $"CREATE TABLE IF NOT EXISTS schema_migrations (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at {timestampType} NOT NULL)", ct);
        var applied = (await Db.QueryAsync(connection, tx, "SELECT version FROM schema_migrations", r => Db.ReadInt(r, 0), ct)).ToHashSet();
        var count = 0;
        foreach (var migration in _migrations)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await Db.ExecuteAsync(connection, tx, migration.Sql, ct);
            await Db.ExecuteAsync(connection, tx,
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)", ct,
                ("version", migration.Version), ("name", migration.Name), ("at", db.Ts(time.GetUtcNow())));
            count++;
        }

        await tx.CommitAsync(ct);
        return count;
    }

    public async Task<bool> IsReadyAsync(CancellationToken ct = default)
    {
        try
        {
            await using var connection = await db.OpenAsync(ct);
            var applied = (await Db.QueryAsync(connection, null, "SELECT version FROM schema_migrations", r => Db.ReadInt(r, 0), ct)).ToHashSet();
            return _migrations.All(m => applied.Contains(m.Version));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception)
        {
            // Unreachable server, missing file permissions or no schema_migrations table yet: not ready.
            return false;
        }
    }

    private static List<Migration> Load(string folder)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"TriageBot.Storage.Migrations.{folder}";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            // "...Migrations.Sqlite/0001_initial.sql" (RecursiveDir keeps the separator).
            var fileName = resource[(prefix.Length + 1)..];
            var name = Path.GetFileNameWithoutExtension(fileName);
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration resource '{resource}' must be named NNNN_description.sql.");
            }

            list.Add(new Migration(version, name, ReadResource(assembly, resource)));
        }

        if (list.Count == 0)
        {
            throw new InvalidOperationException($"No embedded migrations found for provider folder '{folder}'.");
        }

        if (list.Select(m => m.Version).Distinct().Count() != list.Count)
        {
            throw new InvalidOperationException($"Duplicate migration versions in '{folder}'.");
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        return list;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Missing embedded resource '{name}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
